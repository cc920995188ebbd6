"""Message templates sent to a citizen about their application, in ar/ckb/en (diwan.notifications.catalogue).

Messages name the service and the tracking number, never the content of the file: an SMS is read on a
shared phone and passes through the operator's gateway.
"""

from __future__ import annotations

from diwan.notifications.catalogue import MessageTemplate, register

SUBMITTED = register(
    MessageTemplate(
        key="applications.submitted",
        subject={
            "ar": "استلمنا طلبك %(tracking)s",
            "ckb": "داواکارییەکەت %(tracking)s وەرگیرا",
            "en": "We received your application %(tracking)s",
        },
        body={
            "ar": (
                "ديوان: استلمنا طلبك «%(service)s». رقم المتابعة %(tracking)s. "
                "الموعد النهائي القانوني للبت فيه %(due)s. تابع طلبك من صفحة «طلباتي»."
            ),
            "ckb": (
                "دیوان: داواکارییەکەت «%(service)s» وەرگیرا. ژمارەی بەدواداچوون %(tracking)s. "
                "دوا وادەی یاسایی بۆ بڕیاردان %(due)s. لە پەڕەی «داواکارییەکانم» بەدوایدا بچۆ."
            ),
            "en": (
                'Diwan: we received your application "%(service)s". Tracking number %(tracking)s. '
                'The legal deadline for a decision is %(due)s. Follow it on the "My applications" page.'
            ),
        },
        placeholders=frozenset({"service", "tracking", "due"}),
    )
)

RETURNED = register(
    MessageTemplate(
        key="applications.returned",
        subject={
            "ar": "طلبك %(tracking)s يحتاج إلى تصحيح",
            "ckb": "داواکارییەکەت %(tracking)s پێویستی بە ڕاستکردنەوە هەیە",
            "en": "Your application %(tracking)s needs a correction",
        },
        body={
            "ar": (
                "ديوان: أعاد الموظف طلبك %(tracking)s لتصحيحه. المهلة متوقفة حتى تعيد إرساله. "
                "افتح الطلب في ديوان لترى ما يجب تصحيحه."
            ),
            "ckb": (
                "دیوان: فەرمانبەر داواکارییەکەت %(tracking)s ی بۆ ڕاستکردنەوە گەڕاندەوە. ماوەکە ڕاگیراوە "
                "هەتا دووبارە ناردنەوەی. داواکارییەکە لە دیوان بکەرەوە بۆ بینینی ئەوەی دەبێت ڕاست بکرێتەوە."
            ),
            "en": (
                "Diwan: the office returned your application %(tracking)s for a correction. The clock is "
                "stopped until you send it back. Open it in Diwan to see what to correct."
            ),
        },
        placeholders=frozenset({"tracking"}),
    )
)

EXTENDED = register(
    MessageTemplate(
        key="applications.extended",
        subject={
            "ar": "تمديد مهلة طلبك %(tracking)s",
            "ckb": "درێژکردنەوەی ماوەی داواکارییەکەت %(tracking)s",
            "en": "More time for your application %(tracking)s",
        },
        body={
            "ar": (
                "ديوان: مُددت مهلة البت في طلبك %(tracking)s. الموعد النهائي الجديد %(due)s. "
                "السبب مذكور في صفحة الطلب."
            ),
            "ckb": (
                "دیوان: ماوەی بڕیاردان لەسەر داواکارییەکەت %(tracking)s درێژ کرایەوە. دوا وادەی نوێ %(due)s. "
                "هۆکارەکە لە پەڕەی داواکارییەکەدا نووسراوە."
            ),
            "en": (
                "Diwan: the time limit for your application %(tracking)s was extended. The new deadline is "
                "%(due)s. The reason is on the application's page."
            ),
        },
        placeholders=frozenset({"tracking", "due"}),
    )
)

APPROVED = register(
    MessageTemplate(
        key="applications.approved",
        subject={
            "ar": "تمت الموافقة على طلبك %(tracking)s",
            "ckb": "داواکارییەکەت %(tracking)s پەسەند کرا",
            "en": "Your application %(tracking)s was approved",
        },
        body={
            "ar": ("ديوان: تمت الموافقة على طلبك «%(service)s» رقم %(tracking)s. التفاصيل في صفحة «طلباتي»."),
            "ckb": (
                "دیوان: داواکارییەکەت «%(service)s» ژمارە %(tracking)s پەسەند کرا. "
                "وردەکارییەکان لە «داواکارییەکانم»."
            ),
            "en": (
                'Diwan: your application "%(service)s" %(tracking)s was approved. '
                'Details on "My applications".'
            ),
        },
        placeholders=frozenset({"service", "tracking"}),
    )
)

REJECTED = register(
    MessageTemplate(
        key="applications.rejected",
        subject={
            "ar": "صدر قرار في طلبك %(tracking)s",
            "ckb": "بڕیار لەسەر داواکارییەکەت %(tracking)s درا",
            "en": "A decision on your application %(tracking)s",
        },
        body={
            "ar": (
                "ديوان: رُفض طلبك «%(service)s» رقم %(tracking)s. أسباب القرار مكتوبة في صفحة الطلب، "
                "ويمكنك الاعتراض عليه."
            ),
            "ckb": (
                "دیوان: داواکارییەکەت «%(service)s» ژمارە %(tracking)s ڕەت کرایەوە. هۆکارەکانی بڕیارەکە لە "
                "پەڕەی داواکارییەکەدا نووسراون و دەتوانیت ناڕەزایی دەرببڕیت."
            ),
            "en": (
                'Diwan: your application "%(service)s" %(tracking)s was refused. The reasons are on the '
                "application's page, and you may appeal."
            ),
        },
        placeholders=frozenset({"service", "tracking"}),
    )
)

NEW_MESSAGE = register(
    MessageTemplate(
        key="applications.message_received",
        subject={
            "ar": "رسالة جديدة بشأن طلبك %(tracking)s",
            "ckb": "نامەیەکی نوێ دەربارەی داواکارییەکەت %(tracking)s",
            "en": "New message about your application %(tracking)s",
        },
        body={
            "ar": "ديوان: وصلتك رسالة من الدائرة بشأن طلبك %(tracking)s. اقرأها في صفحة الطلب.",
            "ckb": (
                "دیوان: نامەیەک لە فەرمانگەکەوە دەربارەی داواکارییەکەت %(tracking)s گەیشت. "
                "لە پەڕەی داواکارییەکە بیخوێنەرەوە."
            ),
            "en": (
                "Diwan: the office sent you a message about your application %(tracking)s. "
                "Read it on its page."
            ),
        },
        placeholders=frozenset({"tracking"}),
    )
)

ESCALATED = register(
    MessageTemplate(
        key="casework.escalated",
        subject={
            "ar": "ملف متأخر يحتاج إلى تدخلك: %(tracking)s",
            "ckb": "دۆسیەیەکی دواکەوتوو پێویستی بە دەستێوەردانی تۆیە: %(tracking)s",
            "en": "An overdue file needs you: %(tracking)s",
        },
        body={
            "ar": (
                "ديوان: تجاوزت مرحلة «%(stage)s» من الملف %(tracking)s موعدها النهائي (%(due)s) "
                "وأُحيلت إليك بصفتك المشرف. افتح الملف من صندوق الوارد."
            ),
            "ckb": (
                "دیوان: قۆناغی «%(stage)s» ی دۆسیەی %(tracking)s دوا وادەکەی (%(due)s) تێپەڕاندووە و "
                "وەک سەرپەرشتیار بۆ تۆ ڕەوانە کرا. دۆسیەکە لە سندوقی هاتوو بکەرەوە."
            ),
            "en": (
                'Diwan: stage "%(stage)s" of file %(tracking)s is past its deadline (%(due)s) and was '
                "escalated to you as supervisor. Open it from the inbox."
            ),
        },
        placeholders=frozenset({"stage", "tracking", "due"}),
    )
)
