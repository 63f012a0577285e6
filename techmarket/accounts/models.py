from __future__ import annotations

import hashlib
from datetime import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from techmarket.accounts.workflow import OrganisationStatus
from techmarket.core.identifiers import validate_uscc
from techmarket.core.models import TimeStampedModel
from techmarket.core.regions import province_of, validate_region_code


def validate_uscc_field(value: str) -> None:
    validate_uscc(value)


def validate_region_code_field(value: str) -> None:
    validate_region_code(value)


class OrganisationType(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    UNIVERSITY = "university", "高校"
    INSTITUTE = "institute", "科研院所"
    SERVICE = "service", "技术转移/服务机构"
    GOVERNMENT = "government", "政府部门(科技局)"
    OTHER = "other", "其他"


class Role(models.TextChoices):
    ORG_ADMIN = "org_admin", "机构管理员"
    MEMBER = "member", "机构成员"
    BROKER = "broker", "技术经纪人"
    EXPERT = "expert", "评审专家"
    BUREAU_STAFF = "bureau_staff", "科技局工作人员"
    AUDITOR = "auditor", "审计员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    SYSTEM_ADMIN = "system_admin", "系统管理员"


# Roles that must sign in with a second factor (GB/T 22239-2019 §8.1.4) and that only
# the security administrator grants.
PRIVILEGED_ROLES = frozenset(
    {Role.BUREAU_STAFF, Role.AUDITOR, Role.SECURITY_ADMIN, Role.SYSTEM_ADMIN}
)
# Roles an organisation administrator may give to people of their own organisation.
ORG_GRANTABLE_ROLES = frozenset({Role.ORG_ADMIN, Role.MEMBER, Role.BROKER, Role.EXPERT})


class Organisation(TimeStampedModel):
    name = models.CharField("机构名称", max_length=200)
    type = models.CharField("机构类型", max_length=20, choices=OrganisationType.choices)
    uscc = models.CharField(
        "统一社会信用代码", max_length=18, unique=True, validators=[validate_uscc_field]
    )
    region_code = models.CharField(
        "行政区划代码", max_length=6, validators=[validate_region_code_field]
    )
    address = models.CharField("地址", max_length=300, blank=True)
    legal_representative = models.CharField("法定代表人", max_length=100, blank=True)
    contact_name = models.CharField("联系人", max_length=100)
    contact_phone = models.CharField("联系电话", max_length=40)
    contact_email = models.EmailField("联系邮箱", blank=True)
    status = models.CharField(
        "认证状态",
        max_length=20,
        choices=OrganisationStatus.choices,
        default=OrganisationStatus.PENDING,
        db_index=True,
    )
    status_reason = models.TextField("审核意见", blank=True)
    verified_at = models.DateTimeField("认证时间", null=True, blank=True)

    class Meta:
        verbose_name = "机构"
        verbose_name_plural = "机构"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_verified(self) -> bool:
        return self.status == OrganisationStatus.VERIFIED

    @property
    def province(self) -> str:
        return province_of(self.region_code)


class User(AbstractUser):
    full_name = models.CharField("姓名", max_length=100, blank=True)
    phone = models.CharField("手机号", max_length=40, blank=True)
    failed_login_count = models.PositiveIntegerField("连续登录失败次数", default=0)
    locked_until = models.DateTimeField("锁定至", null=True, blank=True)
    totp_secret = models.CharField("动态口令密钥", max_length=64, blank=True)
    totp_confirmed_at = models.DateTimeField("动态口令启用时间", null=True, blank=True)
    totp_last_step = models.BigIntegerField("最近使用的口令时间步", default=0)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    def __str__(self) -> str:
        return self.full_name or self.username

    def is_locked(self, now: datetime | None = None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or timezone.now())


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    created_at = models.DateTimeField("加入时间", default=timezone.now)

    class Meta:
        verbose_name = "机构成员"
        verbose_name_plural = "机构成员"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"


class ApiKey(models.Model):
    """A machine client's key. Only its SHA-256 is stored; the key is shown once."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="api_keys"
    )
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    name = models.CharField("名称", max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = "API 密钥"
        verbose_name_plural = "API 密钥"

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
