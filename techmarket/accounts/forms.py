from __future__ import annotations

from typing import Any

from django import forms

from techmarket.accounts.models import ORG_GRANTABLE_ROLES, OrganisationType, Role
from techmarket.core.errors import ApplicationError

SELF_REGISTER_TYPES = [
    (value, label)
    for value, label in OrganisationType.choices
    if value != OrganisationType.GOVERNMENT
]


class ServiceErrorsMixin:
    """Put an ApplicationError's field messages onto the form, the rest on top."""

    def add_service_error(self, error: ApplicationError) -> None:
        form: Any = self
        placed = False
        for name, message in error.fields.items():
            field = name if name in form.fields else None
            form.add_error(field, message)
            placed = placed or field is not None
        if not placed:
            form.add_error(None, error.message)


class LoginForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    password = forms.CharField(label="密码", widget=forms.PasswordInput, max_length=128)


class TotpForm(forms.Form):
    code = forms.CharField(
        label="动态口令",
        max_length=6,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
        help_text="打开验证器应用（如 FreeOTP、Google Authenticator），输入当前显示的6位数字。",
    )


class RegistrationForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label="机构名称", max_length=200)
    type = forms.ChoiceField(label="机构类型", choices=SELF_REGISTER_TYPES)
    uscc = forms.CharField(
        label="统一社会信用代码",
        max_length=18,
        min_length=18,
        help_text="18位，见营业执照或登记证书。",
    )
    region_code = forms.CharField(
        label="行政区划代码",
        max_length=6,
        min_length=6,
        help_text="6位，如 120116（天津市滨海新区）。",
    )
    address = forms.CharField(label="地址", max_length=300, required=False)
    legal_representative = forms.CharField(label="法定代表人", max_length=100, required=False)
    contact_name = forms.CharField(label="联系人", max_length=100)
    contact_phone = forms.CharField(label="联系电话", max_length=40)
    contact_email = forms.EmailField(label="联系邮箱", required=False)
    admin_username = forms.CharField(label="管理员用户名", max_length=150)
    admin_full_name = forms.CharField(label="管理员姓名", max_length=100, required=False)
    admin_password = forms.CharField(
        label="管理员密码",
        widget=forms.PasswordInput,
        max_length=128,
        help_text="至少10位，含大写字母、小写字母、数字、特殊字符中的3类，不能是常见密码。",
    )
    admin_password2 = forms.CharField(label="确认密码", widget=forms.PasswordInput, max_length=128)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("admin_password") and data.get("admin_password") != data.get("admin_password2"):
            self.add_error("admin_password2", "两次输入的密码不一致。")
        return data


class OrganisationProfileForm(ServiceErrorsMixin, forms.Form):
    address = forms.CharField(label="地址", max_length=300, required=False)
    legal_representative = forms.CharField(label="法定代表人", max_length=100, required=False)
    contact_name = forms.CharField(label="联系人", max_length=100)
    contact_phone = forms.CharField(label="联系电话", max_length=40)
    contact_email = forms.EmailField(label="联系邮箱", required=False)


class MemberForm(ServiceErrorsMixin, forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    full_name = forms.CharField(label="姓名", max_length=100, required=False)
    email = forms.EmailField(label="邮箱", required=False)
    phone = forms.CharField(label="手机号", max_length=40, required=False)
    role = forms.ChoiceField(
        label="角色", choices=[(r.value, r.label) for r in Role if r in ORG_GRANTABLE_ROLES]
    )
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput, max_length=128)


class RejectForm(forms.Form):
    reason = forms.CharField(
        label="驳回原因", widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class ApiKeyForm(ServiceErrorsMixin, forms.Form):
    name = forms.CharField(label="密钥名称", max_length=100, help_text="如：学校成果管理系统")


class GrantRoleForm(ServiceErrorsMixin, forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    role = forms.ChoiceField(label="角色", choices=Role.choices)
