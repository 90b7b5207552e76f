"""Password reset requests become e-mail requests of any purpose (reset, confirmation link,
sign-up notice), all held to the same per-address limit."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_token_scopes_and_sign_in_limits"),
    ]

    operations = [
        migrations.RenameModel("PasswordResetRequest", "MailRequest"),
        migrations.AlterModelOptions(
            name="mailrequest",
            options={"verbose_name": "e-mail request", "verbose_name_plural": "e-mail requests"},
        ),
        migrations.AddField(
            model_name="mailrequest",
            name="purpose",
            field=models.CharField(
                choices=[
                    ("password_reset", "password reset"),
                    ("confirmation", "confirmation link"),
                    ("signup_notice", "sign-up with a registered address"),
                ],
                default="password_reset",
                max_length=20,
            ),
        ),
    ]
