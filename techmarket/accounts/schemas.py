from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from techmarket.accounts.models import OrganisationType, Role
from techmarket.accounts.workflow import OrganisationStatus


class RegistrationIn(Schema):
    name: str = Field(..., max_length=200, description="机构名称")
    type: OrganisationType = Field(..., description="机构类型（政府部门不可自助注册）")
    uscc: str = Field(..., max_length=18, description="统一社会信用代码")
    region_code: str = Field(..., max_length=6, description="行政区划代码（6位，GB/T 2260）")
    address: str = Field("", max_length=300)
    legal_representative: str = Field("", max_length=100)
    contact_name: str = Field(..., max_length=100)
    contact_phone: str = Field(..., max_length=40)
    contact_email: str = Field("", max_length=254)
    admin_username: str = Field(..., max_length=150, description="管理员登录名")
    admin_password: str = Field(..., max_length=128, description="管理员密码：至少10位，含3类字符")
    admin_full_name: str = Field("", max_length=100)
    admin_email: str = Field("", max_length=254)
    admin_phone: str = Field("", max_length=40)


class OrganisationOut(Schema):
    id: int
    name: str
    type: OrganisationType
    type_label: str = Field(..., alias="get_type_display")
    uscc: str
    region_code: str
    province: str
    address: str
    status: OrganisationStatus
    status_label: str = Field(..., alias="get_status_display")
    status_reason: str
    verified_at: datetime | None
    created_at: datetime


class OrganisationDetailOut(OrganisationOut):
    legal_representative: str
    contact_name: str
    contact_phone: str
    contact_email: str


class RegistrationOut(Schema):
    organisation: OrganisationDetailOut
    admin_username: str


class OrganisationPatchIn(Schema):
    address: str | None = Field(None, max_length=300)
    legal_representative: str | None = Field(None, max_length=100)
    contact_name: str | None = Field(None, max_length=100)
    contact_phone: str | None = Field(None, max_length=40)
    contact_email: str | None = Field(None, max_length=254)


class ReasonIn(Schema):
    reason: str = Field("", max_length=2000)


class MemberIn(Schema):
    username: str = Field(..., max_length=150)
    password: str = Field(..., max_length=128)
    role: Role
    full_name: str = Field("", max_length=100)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=40)


class MemberOut(Schema):
    id: int
    user_id: int
    username: str = Field(..., alias="user.username")
    full_name: str = Field(..., alias="user.full_name")
    role: Role
    role_label: str = Field(..., alias="get_role_display")
    created_at: datetime


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    roles: list[Role]
    organisation: OrganisationOut | None


class ApiKeyIn(Schema):
    name: str = Field(..., max_length=100)


class ApiKeyOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class ApiKeyCreatedOut(ApiKeyOut):
    key: str = Field(..., description="完整密钥，仅此一次显示，请妥善保存")
