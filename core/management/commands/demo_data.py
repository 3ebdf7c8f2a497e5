"""Demo data for a first look: the province's units, its agencies and one account per role, each
with an authenticator (two-factor login) whose secret is printed beside the password.

Safe to run twice. Population figures it writes are labelled as demo figures. Refuses to run
with DEBUG off unless ``--allow-production`` is given (it creates accounts with a known password).
"""

import datetime
import importlib
from base64 import b32encode

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

from core import selectors, services
from core.actors import DEMO
from core.models import AdministrativeUnit, Organization, Person
from core.roles import Role

DEMO_PASSWORD = "demo-thanhhoa-2021"  # noqa: S105  (printed at start; demo accounts only)

# name, short name, kind, parent short name, standing agency
PROVINCIAL_ORGANIZATIONS = [
    ("Sở Thông tin và Truyền thông", "STTTT", Organization.Kind.DEPARTMENT, None, True),
    ("Trung tâm Công nghệ thông tin và Truyền thông", "TTCNTT", Organization.Kind.DEPARTMENT, "STTTT", False),
    ("Văn phòng UBND tỉnh", "VPUBND", Organization.Kind.PROVINCIAL_OFFICE, None, False),
    ("Văn phòng Tỉnh ủy", "VPTU", Organization.Kind.PROVINCIAL_OFFICE, None, False),
    ("Sở Y tế", "SYT", Organization.Kind.DEPARTMENT, None, False),
    ("Trung tâm Kiểm soát bệnh tật tỉnh", "CDC", Organization.Kind.CDC, "SYT", False),
    ("Bệnh viện Đa khoa tỉnh", "BVDK", Organization.Kind.HOSPITAL, "SYT", False),
    ("VNPT Thanh Hóa", "VNPT", Organization.Kind.TELECOM, None, False),
    ("Chi nhánh Viettel Thanh Hóa", "Viettel", Organization.Kind.TELECOM, None, False),
    ("MobiFone Thanh Hóa", "MobiFone", Organization.Kind.TELECOM, None, False),
    ("Bưu điện tỉnh Thanh Hóa", "BĐT", Organization.Kind.POST, None, False),
]

# username, role, full name, scope: "province" | district code | organization short name
DEMO_USERS = [
    ("leader", Role.TASKFORCE_LEADER, "Tổ trưởng (demo)", "province"),
    ("deputy", Role.TASKFORCE_DEPUTY, "Tổ phó (demo)", "province"),
    ("member", Role.TASKFORCE_MEMBER, "Thành viên (demo)", "province"),
    ("secretariat", Role.SECRETARIAT, "Thường trực Sở TT&TT (demo)", "province"),
    ("chairman", Role.CHAIRMAN, "Chủ tịch UBND tỉnh (demo)", "province"),
    ("district", Role.DISTRICT_OFFICIAL, "Cán bộ UBND huyện Đông Sơn (demo)", "405"),
    ("agency", Role.AGENCY_OFFICER, "Cán bộ Sở Y tế (demo)", "SYT"),
    ("epidemiologist", Role.EPIDEMIOLOGIST, "Cán bộ dịch tễ CDC (demo)", "province"),
    ("operator", Role.CHECKPOINT_OPERATOR, "Nhân viên điểm kiểm dịch (demo)", "SYT"),
    ("lab", Role.LAB_STAFF, "Nhân viên xét nghiệm CDC (demo)", "province"),
    ("vaccination", Role.VACCINATION_STAFF, "Nhân viên tiêm chủng Đông Sơn (demo)", "405"),
    ("dpo", Role.DATA_PROTECTION_OFFICER, "Cán bộ bảo vệ dữ liệu cá nhân (demo)", "province"),
]


class Command(BaseCommand):
    help = "Tạo dữ liệu minh họa: đơn vị hành chính, cơ quan, tài khoản cho từng vai trò. Chạy lại an toàn."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--allow-production", action="store_true")
        parser.add_argument("--quiet-logins", action="store_true", help="Không in danh sách tài khoản.")

    def handle(self, *args: object, **options: object) -> None:
        if not settings.DEBUG and not options["allow_production"]:
            raise CommandError("demo_data tạo tài khoản với mật khẩu công khai; chỉ dùng khi DEBUG=True.")
        scheme = settings.ADMIN_UNIT_SCHEME
        if not AdministrativeUnit.objects.filter(scheme=scheme).exists():
            call_command("load_admin_units", scheme=scheme, stdout=self.stdout)
        province = selectors.province_unit()
        self._population(province)
        organizations = self._organizations(province)
        self._users(province, organizations)
        self._people(province)
        # Each app may add its demo data in ``<app>/demo.py`` with ``load(*, stdout)``; idempotent.
        for app in (
            "taskforce",
            "checkpoints",
            "declarations",
            "testing",
            "vaccination",
            "reports",
            "certificates",
        ):
            try:
                module = importlib.import_module(f"{app}.demo")
            except ModuleNotFoundError:
                continue
            module.load(stdout=self.stdout)
        secrets = self._authenticators()
        if not options["quiet_logins"]:
            self.stdout.write("")
            self.stdout.write(f"Tài khoản minh họa (mật khẩu chung: {DEMO_PASSWORD}).")
            self.stdout.write(
                "Xác thực hai bước: thêm khóa bên dưới vào ứng dụng xác thực, hoặc lấy mã hiện tại bằng "
                "`manage.py totp_code TÊN`."
            )
            self.stdout.write(f"  {'admin':<16} {secrets['admin']}  quản trị hệ thống (superuser)")
            for username, role, _name, _scope in DEMO_USERS:
                self.stdout.write(f"  {username:<16} {secrets[username]}  {Role(role).label}")

    def _authenticators(self) -> dict[str, str]:
        """Each demo account gets an authenticator (TOTP) once; its secret (base32), to print."""
        User = get_user_model()
        found: dict[str, str] = {}
        for username in ["admin", *(row[0] for row in DEMO_USERS)]:
            user = User.objects.get(username=username)
            device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
            if device is None:
                device, _codes = services.twofactor_enrol(
                    actor=DEMO, user=user, key=default_key(), token=None
                )
            found[username] = b32encode(device.bin_key).decode()
        return found

    def _population(self, province: AdministrativeUnit) -> None:
        # Rough demo figures, flagged is_demo so no page or report passes them off as real.
        districts = list(selectors.reporting_units())
        for index, unit in enumerate(districts):
            if unit.population_total and not unit.population_is_demo:
                continue  # never overwrite figures an official entered
            total = 60_000 + (index * 7_919) % 140_000
            services.unit_population_set(
                actor=DEMO,
                unit=unit,
                total=total,
                age_18_plus=int(total * 0.72),
                age_50_plus=int(total * 0.27),
                age_65_plus=int(total * 0.09),
                is_demo=True,
                source="Số liệu minh họa (demo)",
            )

    def _organizations(self, province: AdministrativeUnit) -> dict[str, Organization]:
        by_short: dict[str, Organization] = {}
        for name, short, kind, parent, standing in PROVINCIAL_ORGANIZATIONS:
            org = Organization.objects.filter(name=name, unit=province).first()
            if org is None:
                org = services.organization_create(
                    actor=DEMO,
                    name=name,
                    short_name=short,
                    kind=kind,
                    parent=by_short.get(parent) if parent else None,
                    unit=province,
                    is_standing_agency=standing,
                    contact_email=f"demo.{services.name_key(short).replace(' ', '')}@example.invalid",
                )
            by_short[short] = org
        for district in selectors.reporting_units():
            name = f"UBND {district.name}"
            org = Organization.objects.filter(name=name, unit=district).first()
            if org is None:
                org = services.organization_create(
                    actor=DEMO, name=name, kind=Organization.Kind.PEOPLES_COMMITTEE, unit=district
                )
            by_short[district.code] = org
        return by_short

    def _users(self, province: AdministrativeUnit, organizations: dict[str, Organization]) -> None:
        User = get_user_model()
        admin = User.objects.filter(username="admin").first()
        if admin is None:
            admin = User(username="admin", is_superuser=True, is_staff=True, first_name="Quản trị")
            admin.set_password(DEMO_PASSWORD)
            services.user_save(actor=DEMO, user=admin, created=True, changed=["username"])
        for username, role, full_name, scope in DEMO_USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User(username=username, first_name=full_name, email=f"{username}@example.invalid")
                user.set_password(DEMO_PASSWORD)
                services.user_save(actor=DEMO, user=user, created=True, changed=["username"])
                services.user_roles_set(actor=DEMO, user=user, roles=[role])
                if scope == "province":
                    services.user_scope_set(actor=DEMO, user=user, province_wide=True)
                elif scope in organizations and not scope.isdigit():
                    org = organizations[scope]
                    services.user_scope_set(actor=DEMO, user=user, province_wide=False, organizations=[org])
                else:
                    district = AdministrativeUnit.objects.get(
                        scheme=province.scheme, level=AdministrativeUnit.Level.DISTRICT, code=scope
                    )
                    services.user_scope_set(
                        actor=DEMO,
                        user=user,
                        province_wide=False,
                        units=[district],
                        organizations=[organizations[scope]] if scope in organizations else [],
                    )

    def _people(self, province: AdministrativeUnit) -> None:
        ward = AdministrativeUnit.objects.filter(
            parent__parent=province, level=AdministrativeUnit.Level.WARD
        ).first()
        samples = [
            ("Nguyễn Văn An", datetime.date(1985, 3, 12), Person.Sex.MALE, "038085000001", "0912000001"),
            ("Lê Thị Bình", datetime.date(1992, 7, 1), Person.Sex.FEMALE, "038192000002", "0912000002"),
            ("Trần Văn Cường", datetime.date(1960, 11, 30), Person.Sex.MALE, "", "0912000003"),
        ]
        for name, dob, sex, id_number, phone in samples:
            data = services.PersonData(
                full_name=name,
                date_of_birth=dob,
                sex=sex,
                id_number=id_number,
                phone=phone,
                address_unit=ward,
                address_line="Thôn Demo",
            )
            if services.person_find_match(data) is None:
                services.person_create(actor=DEMO, data=data)
