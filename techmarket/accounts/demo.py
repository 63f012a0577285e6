"""Demo organisations of every type and one user for every role."""

from __future__ import annotations

from django.utils import timezone

from techmarket.accounts.models import Membership, Organisation, OrganisationType, Role, User
from techmarket.accounts.workflow import OrganisationStatus
from techmarket.core.demo import DemoContext, make_uscc

DEMO_PASSWORD = "Demo-Pass-2026"  # noqa: S105 - published demo login, see README

# (key, name, type, USCC prefix, region, status)
ORGANISATIONS = [
    (
        "bureau",
        "滨海市科学技术局",
        OrganisationType.GOVERNMENT,
        "11",
        "120116",
        OrganisationStatus.VERIFIED,
    ),
    (
        "enterprise",
        "滨海智能装备有限公司",
        OrganisationType.ENTERPRISE,
        "91",
        "120116",
        OrganisationStatus.VERIFIED,
    ),
    (
        "university",
        "津海大学",
        OrganisationType.UNIVERSITY,
        "12",
        "120104",
        OrganisationStatus.VERIFIED,
    ),
    (
        "institute",
        "滨海先进材料研究院",
        OrganisationType.INSTITUTE,
        "12",
        "120116",
        OrganisationStatus.VERIFIED,
    ),
    (
        "service",
        "滨海技术转移服务中心",
        OrganisationType.SERVICE,
        "52",
        "120116",
        OrganisationStatus.VERIFIED,
    ),
    (
        "other",
        "滨海市科技企业孵化器协会",
        OrganisationType.OTHER,
        "51",
        "120116",
        OrganisationStatus.VERIFIED,
    ),
    (
        "pending",
        "津南新材料科技有限公司",
        OrganisationType.ENTERPRISE,
        "91",
        "120112",
        OrganisationStatus.PENDING,
    ),
]

# (username, full name, organisation key, role, TOTP secret for privileged roles)
USERS = [
    ("enterprise", "王企业", "enterprise", Role.ORG_ADMIN, ""),
    ("member", "李成员", "enterprise", Role.MEMBER, ""),
    ("university", "陈转移", "university", Role.ORG_ADMIN, ""),
    ("institute", "赵研究", "institute", Role.ORG_ADMIN, ""),
    ("service", "周服务", "service", Role.ORG_ADMIN, ""),
    ("broker", "吴经纪", "service", Role.BROKER, ""),
    ("expert", "郑专家", "university", Role.EXPERT, ""),
    ("other", "钱协会", "other", Role.ORG_ADMIN, ""),
    ("pending", "孙待审", "pending", Role.ORG_ADMIN, ""),
    ("bureau", "刘科员", "bureau", Role.BUREAU_STAFF, "TECHMARKETDEMOBUREAUSTAFFTOTP234"),
    ("auditor", "马审计", "bureau", Role.AUDITOR, "TECHMARKETDEMOAUDITORTOTPSECRET2"),
    ("security", "杨安全", "bureau", Role.SECURITY_ADMIN, "TECHMARKETDEMOSECURITYADMINTOTP3"),
    ("sysadmin", "黄系统", "bureau", Role.SYSTEM_ADMIN, "TECHMARKETDEMOSYSTEMADMINTOTP234"),
]


def load(context: DemoContext) -> None:
    now = timezone.now()
    for serial, (key, name, org_type, prefix, region, status) in enumerate(ORGANISATIONS, start=1):
        organisation = Organisation.objects.create(
            name=name,
            type=org_type,
            uscc=make_uscc(prefix, region, 73500000 + serial * 97),
            region_code=region,
            address=f"天津市{name}办公楼",
            legal_representative="张法人",
            contact_name="联系人",
            contact_phone="022-6000000" + str(serial),
            contact_email=f"{key}@demo.techmarket.cn",
            status=status,
            verified_at=now if status == OrganisationStatus.VERIFIED else None,
        )
        context.organisations[key] = organisation
    for username, full_name, org_key, role, secret in USERS:
        user = User.objects.create_user(
            username=username,
            password=DEMO_PASSWORD,
            full_name=full_name,
            email=f"{username}@demo.techmarket.cn",
        )
        if secret:
            user.totp_secret = secret
            user.totp_confirmed_at = now
        if role == Role.SYSTEM_ADMIN:
            user.is_staff = True
            user.is_superuser = True
        user.save()
        Membership.objects.create(user=user, organisation=context.organisations[org_key], role=role)
        context.users[username] = (user, role, bool(secret))
