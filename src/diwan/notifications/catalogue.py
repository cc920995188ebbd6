"""Message templates per event, in Arabic, Central Kurdish (Sorani) and English.

Messages are written in the language the citizen uses, whatever language the server runs in, so they are
stored here as {ar, ckb, en} texts (like content in the database), not as gettext strings. Placeholders
are named (`%(code)s`). Other apps add their templates with `register(...)` in their AppConfig.ready().
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from diwan.core.i18n import LANGUAGES, pick


@dataclass(frozen=True)
class MessageTemplate:
    key: str
    body: Mapping[str, str]
    subject: Mapping[str, str] = field(default_factory=dict)
    placeholders: frozenset[str] = frozenset()
    # Bodies that must not stay readable after delivery (sign-in codes).
    sensitive: bool = False

    def render(self, language: str, context: Mapping[str, object]) -> tuple[str, str]:
        missing = self.placeholders - set(context)
        if missing:
            raise ValueError(f"template {self.key} needs {sorted(missing)}")
        values = {name: context[name] for name in self.placeholders}
        subject = pick(self.subject, language) % values if self.subject else ""
        return subject, pick(self.body, language) % values


_CATALOGUE: dict[str, MessageTemplate] = {}


def register(template: MessageTemplate) -> MessageTemplate:
    for language in LANGUAGES:
        if not template.body.get(language):
            raise ValueError(f"template {template.key} has no {language} body")
    _CATALOGUE[template.key] = template
    return template


def get(key: str) -> MessageTemplate:
    try:
        return _CATALOGUE[key]
    except KeyError:
        raise LookupError(f"unknown message template {key!r}") from None


def all_templates() -> list[MessageTemplate]:
    return sorted(_CATALOGUE.values(), key=lambda t: t.key)


SIGN_IN_CODE = register(
    MessageTemplate(
        key="accounts.sign_in_code",
        body={
            "ar": (
                "ديوان: رمز الدخول الخاص بك هو %(code)s وهو صالح لمدة %(minutes)s دقائق. "
                "لا تعطِ هذا الرمز لأي شخص، فلن يطلبه منك أي موظف."
            ),
            "ckb": (
                "دیوان: کۆدی چوونەژوورەوەت %(code)s ـە و بۆ ماوەی %(minutes)s خولەک کار دەکات. "
                "ئەم کۆدە مەدە بە هیچ کەسێک، هیچ فەرمانبەرێک داوای ناکات."
            ),
            "en": (
                "Diwan: your sign-in code is %(code)s. It works for %(minutes)s minutes. "
                "Do not give this code to anyone; no official will ever ask for it."
            ),
        },
        placeholders=frozenset({"code", "minutes"}),
        sensitive=True,
    )
)

WELCOME = register(
    MessageTemplate(
        key="accounts.welcome",
        subject={
            "ar": "مرحباً بك في ديوان",
            "ckb": "بەخێربێیت بۆ دیوان",
            "en": "Welcome to Diwan",
        },
        body={
            "ar": (
                "مرحباً %(name)s، تم إنشاء حسابك في ديوان. يمكنك الآن تقديم الطلبات ومتابعتها من هاتفك. "
                "إذا لم تقم بإنشاء هذا الحساب فاتصل بنا."
            ),
            "ckb": (
                "سڵاو %(name)s، هەژمارەکەت لە دیوان دروست کرا. ئێستا دەتوانیت لە مۆبایلەکەتەوە داواکاری "
                "پێشکەش بکەیت و بەدوادا بچیت. ئەگەر تۆ ئەم هەژمارەت دروست نەکردووە، پەیوەندیمان پێوە بکە."
            ),
            "en": (
                "Hello %(name)s, your Diwan account has been created. You can now apply for services and "
                "follow them from your phone. If you did not create this account, contact us."
            ),
        },
        placeholders=frozenset({"name"}),
    )
)
