"""Forms of the certificate pages and of the public verification by file."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from copyguard.accounts.forms import ActionErrorMixin
from copyguard.works.certificates.verification import MAX_VERIFY_UPLOAD_BYTES


class VerifyFileForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "A copy of the work, or a certificate PDF. At most 20 MB; the file is compared "
            "and not kept."
        ),
    )

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_VERIFY_UPLOAD_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(mb)d MB."),
                code="too_large",
                params={"mb": MAX_VERIFY_UPLOAD_BYTES // (1024 * 1024)},
            )
        if upload.size == 0:
            raise forms.ValidationError(_("The file is empty."), code="empty")
        return upload


class ReasonForm(ActionErrorMixin, forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown publicly on the verification page and recorded in the ledger."),
    )
