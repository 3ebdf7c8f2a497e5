"""The platforms every province deploys (Công văn 2790/BTTTT-THH, 24/7/2021) and Thanh Hóa's
own apps named in Công văn 13341/UBND-CNTT (2021). Reference data, like the role groups:
the standing agency edits the catalogue afterwards (admin, audited)."""

from django.db import migrations

PLATFORMS = [
    # code, name, scope, purpose, url, order
    ("qr-declaration", "Nền tảng khai báo y tế điện tử và quản lý người ra vào địa điểm công cộng bằng mã QR",
     "national", "declaration", "https://tokhaiyte.vn", 1),
    ("testing", "Nền tảng hỗ trợ lấy mẫu và trả kết quả xét nghiệm theo hình thức điện tử trực tuyến",
     "national", "testing", "", 2),
    ("vaccination", "Nền tảng quản lý tiêm chủng vắc xin COVID-19", "national", "vaccination", "", 3),
    ("information-portal", "Nền tảng cung cấp thông tin tình hình dịch bệnh COVID-19 của tỉnh",
     "national", "information", "", 4),
    ("pc-covid-bluezone", "Ứng dụng PC-Covid (trước đây Bluezone)", "national", "tracing", "", 5),
    ("smart-thanh-hoa", "Ứng dụng Smart Thanh Hóa", "provincial", "information", "", 6),
    ("digital-map", "Bản đồ số kiểm soát dịch bệnh Thanh Hóa", "provincial", "information", "", 7),
    ("business-risk", "Hệ thống phần mềm phòng, chống, đánh giá nguy cơ lây nhiễm dịch COVID-19 trong doanh nghiệp",
     "provincial", "other", "", 8),
    ("robot-call", "Hệ thống Robot call (tổng đài tự động) truy vết phòng, chống dịch COVID-19",
     "provincial", "tracing", "", 9),
    ("taskforce-portal", "Cổng thông tin Tổ công nghệ phòng, chống dịch COVID-19 tỉnh", "provincial", "information", "", 10),
]


def seed(apps, schema_editor):
    Platform = apps.get_model("taskforce", "Platform")
    for code, name, scope, purpose, url, order in PLATFORMS:
        Platform.objects.get_or_create(
            code=code, defaults={"name": name, "scope": scope, "purpose": purpose, "url": url, "order": order}
        )


def unseed(apps, schema_editor):
    apps.get_model("taskforce", "Platform").objects.filter(code__in=[p[0] for p in PLATFORMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("taskforce", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
