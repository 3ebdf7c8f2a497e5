"""The starting catalogue loaded by migration 0002: priority groups, the screening checklist and
the vaccines used in Vietnam with their EU DCC codes. Officials edit all three in the admin.

UNVERIFIED (docs/vaccination.md): the priority groups are the eleven groups of Resolution
21/NQ-CP (2021) as remembered, not copied from the text; the screening checklist follows the
content of the Ministry of Health's adult pre-vaccination screening guidance as remembered; the
schedules (intervals, doses per vial) are the common product information values. Check each
against the current documents before use.
"""

PRIORITY_GROUPS = [
    ("1", "Người làm việc trong các cơ sở y tế, ngành y tế (công lập và tư nhân)"),
    (
        "2",
        "Người tham gia phòng, chống dịch (ban chỉ đạo các cấp, cách ly, truy vết, "
        + "tình nguyện viên, phóng viên)",
    ),
    ("3", "Lực lượng Quân đội"),
    ("4", "Lực lượng Công an"),
    ("5", "Nhân viên, cán bộ ngoại giao, hải quan, xuất nhập cảnh"),
    ("6", "Người cung cấp dịch vụ thiết yếu: hàng không, vận tải, du lịch, điện, nước..."),
    ("7", "Giáo viên, người làm việc tại cơ sở giáo dục, đào tạo; cơ quan hành chính tiếp xúc nhiều người"),
    ("8", "Người mắc bệnh mạn tính; người trên 65 tuổi"),
    ("9", "Người sinh sống tại vùng có dịch"),
    ("10", "Người nghèo, đối tượng chính sách xã hội"),
    ("11", "Người được cơ quan nhà nước cử đi công tác, học tập, lao động ở nước ngoài"),
]

# (code, question, what a "yes" means)
SCREENING_QUESTIONS = [
    (
        "anaphylaxis_prior",
        "Tiền sử phản vệ độ 2 trở lên với mũi vắc xin COVID-19 trước hoặc thành phần của vắc xin",
        "contraindicated",
    ),
    ("anaphylaxis_other", "Tiền sử phản vệ độ 3 với bất kỳ tác nhân nào", "refer"),
    ("acute_illness", "Đang mắc bệnh cấp tính, sốt (từ 37,5 °C) hoặc mới ốm trong 14 ngày", "postpone"),
    ("recent_covid", "Đã khỏi COVID-19 trong vòng 3 tháng", "postpone"),
    ("other_vaccine", "Tiêm vắc xin khác trong 14 ngày qua", "postpone"),
    ("pregnant_early", "Đang mang thai dưới 13 tuần", "postpone"),
    (
        "immunosuppressed",
        "Suy giảm miễn dịch nặng, ung thư giai đoạn cuối, đang điều trị hóa trị, xạ trị",
        "refer",
    ),
    ("chronic_unstable", "Bệnh mạn tính đang tiến triển, chưa ổn định", "refer"),
    ("allergy_other", "Tiền sử dị ứng với các dị nguyên khác", "caution"),
    ("coagulation", "Rối loạn đông máu hoặc đang dùng thuốc chống đông", "caution"),
    ("chronic_stable", "Bệnh mạn tính đã điều trị ổn định", "caution"),
    ("age_65", "Từ 65 tuổi trở lên", "caution"),
]

# name, mp, vp, ma, primary doses, min interval, recommended interval, booster after, doses per vial
VACCINES = [
    ("Vaxzevria (AstraZeneca)", "EU/1/21/1529", "29061000087103", "ORG-100001699", 2, 28, 56, 90, 10),
    ("Comirnaty (Pfizer-BioNTech)", "EU/1/20/1528", "1119349007", "ORG-100030215", 2, 21, 21, 90, 6),
    ("Spikevax (Moderna)", "EU/1/20/1507", "1119349007", "ORG-100031184", 2, 28, 28, 90, 10),
    ("Sputnik V", "Sputnik-V", "29061000087103", "Gamaleya-Research-Institute", 2, 21, 21, 90, 1),
    ("Vero Cell (Sinopharm)", "BBIBP-CorV", "1119305005", "ORG-100020693", 2, 21, 28, 90, 1),
    ("Hayat-Vax", "Hayat-Vax", "1119305005", "ORG-100023050", 2, 21, 28, 90, 1),
    ("Janssen", "EU/1/20/1525", "29061000087103", "ORG-100001417", 1, 0, 0, 60, 5),
    ("Abdala", "Abdala", "1162643001", "CIGB", 3, 14, 14, 90, 10),
]
