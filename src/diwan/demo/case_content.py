"""Content of the demo casework: who staffs which office, how many applications of which service, and the
words people write (corrections asked, reasons for extensions and refusals, messages). Content only;
diwan.demo.casework runs the applications through the actions."""

from __future__ import annotations

from dataclasses import dataclass

from diwan.core.governorates import Governorate

# --- Offices with staff -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Staffing:
    """Synthetic officials of one office, by role (in addition to the named demo accounts)."""

    agency: str
    office: str
    officers: int
    reviewers: int = 0
    approvers: int = 1


# The demo governorates (Baghdad, Basra, Erbil) have every office the services route to staffed, and so
# have the three national offices (companies, degree authentication, criminal records). The other
# governorates' offices have nobody yet: their files wait unassigned, as they would in a real roll-out.
STAFFED: list[Staffing] = [
    # Baghdad
    Staffing("MOI", "PASS-BGD", officers=3, reviewers=2, approvers=1),
    Staffing("MOI", "CS-BGD", officers=2, approvers=1),
    Staffing("MOI", "TR-BGD", officers=2, approvers=1),
    Staffing("MOCHM", "MUN-BGD", officers=2, reviewers=1, approvers=1),
    Staffing("MOLSA", "LAB-BGD", officers=2, approvers=1),
    Staffing("MOLSA", "SP-BGD", officers=2, reviewers=1, approvers=1),
    Staffing("SJC", "PS-BGD", officers=2, approvers=1),
    # Basra
    Staffing("MOI", "PASS-BSR", officers=2, reviewers=1, approvers=1),
    Staffing("MOI", "CS-BSR", officers=2, approvers=1),
    Staffing("MOI", "TR-BSR", officers=1, approvers=1),
    Staffing("MOCHM", "MUN-BSR", officers=1, reviewers=1, approvers=1),
    Staffing("MOLSA", "LAB-BSR", officers=1, approvers=1),
    Staffing("MOLSA", "SP-BSR", officers=1, reviewers=1, approvers=1),
    Staffing("SJC", "PS-BSR", officers=1, approvers=1),
    # Erbil
    Staffing("MOI", "PASS-EBL", officers=2, reviewers=1, approvers=1),
    Staffing("KRG-MOI", "CS-EBL", officers=1, approvers=1),
    Staffing("KRG-MOI", "TR-EBL", officers=1, approvers=1),
    Staffing("KRG-MOLSA", "SP-EBL", officers=1, reviewers=1, approvers=1),
    # National offices
    Staffing("MOT", "CRD", officers=2, reviewers=1, approvers=1),
    Staffing("MOHESR", "DOC-AUTH", officers=2, reviewers=1, approvers=1),
    Staffing("IQ-POLICE", "CRIM-REC", officers=3, reviewers=2, approvers=1),
]
STAFF_SEED = 20260202
# Offices whose officials are Kurds (names in Arabic script, Central Kurdish and Latin).
KURDISH_STAFFED = {("MOI", "PASS-EBL"), ("KRG-MOI", "CS-EBL"), ("KRG-MOI", "TR-EBL"), ("KRG-MOLSA", "SP-EBL")}

# --- Citizens and applications ----------------------------------------------------------------------------

EXTRA_CITIZENS = 740  # beyond the 60 of content.py, so that people have one to a few applications each
EXTRA_CITIZEN_SEED = 20260303
# Where applicants live (weights): the demo governorates carry most of the traffic.
GOVERNORATE_WEIGHTS: dict[str, int] = {
    Governorate.BAGHDAD: 46,
    Governorate.BASRA: 21,
    Governorate.ERBIL: 19,
    Governorate.NINEVEH: 2,
    Governorate.SULAYMANIYAH: 2,
    Governorate.NAJAF: 2,
    Governorate.KARBALA: 1,
    Governorate.BABIL: 1,
    Governorate.DHI_QAR: 1,
    Governorate.DUHOK: 1,
    Governorate.KIRKUK: 1,
    Governorate.ANBAR: 1,
    Governorate.DIYALA: 1,
}

APPLICATIONS = 2000  # applications in all, drafts included
APPLICATION_SEED = 20260404
WINDOW_DAYS = 110  # the first application was started this many days ago
DRAFT_SHARE = 0.04  # started, not submitted
# How often each service is asked for (weights).
SERVICE_WEIGHTS: dict[str, int] = {
    "national-card-renewal": 18,
    "passport-application": 18,
    "civil-status-record-copy": 12,
    "driving-licence-renewal": 9,
    "vehicle-registration-renewal": 9,
    "good-conduct-certificate": 9,
    "social-protection-application": 8,
    "job-seeker-registration": 6,
    "degree-certificate-authentication": 4,
    "marriage-contract-registration": 3,
    "building-permit": 3,
    "company-registration": 1,
}

# --- Words people write -----------------------------------------------------------------------------------

EMAIL_DOMAINS = ["example.com", "example.org", "example.net"]

DISTRICTS: dict[str, list[str]] = {
    Governorate.BAGHDAD: [
        "الكرادة",
        "المنصور",
        "الأعظمية",
        "الكاظمية",
        "زيونة",
        "البياع",
        "الدورة",
        "حي الجامعة",
    ],
    Governorate.BASRA: ["العشار", "الجزائر", "الجمهورية", "حي الحسين", "الزبير", "أبو الخصيب"],
    Governorate.ERBIL: ["عينكاوة", "بختياري", "شورش", "زانكو", "كسنزان", "دريم سيتي"],
}
GENERIC_DISTRICTS = ["حي الشهداء", "حي المعلمين", "حي العسكري", "مركز المدينة", "حي الصناعة", "حي الأطباء"]

UNIVERSITIES = [
    ("جامعة بغداد", ["كلية الهندسة", "كلية الطب", "كلية العلوم", "كلية الآداب", "كلية الإدارة والاقتصاد"]),
    ("الجامعة المستنصرية", ["كلية التربية", "كلية العلوم", "كلية الهندسة", "كلية القانون"]),
    ("جامعة البصرة", ["كلية الهندسة", "كلية الزراعة", "كلية الطب", "كلية التربية للعلوم الصرفة"]),
    ("جامعة الموصل", ["كلية الطب", "كلية الهندسة", "كلية الآداب"]),
    ("جامعة صلاح الدين - أربيل", ["كلية الهندسة", "كلية اللغات", "كلية العلوم"]),
    ("الجامعة التكنولوجية", ["قسم هندسة الحاسوب", "قسم الهندسة الكهربائية", "قسم الهندسة المدنية"]),
]
COUNTRIES = ["ألمانيا", "المملكة المتحدة", "تركيا", "الأردن", "الإمارات العربية المتحدة", "كندا", "ماليزيا"]
TRADES = ["الكهرباء", "السباكة", "الحدادة", "النجارة", "صيانة الهواتف", "الخياطة", "تبريد وتكييف", "البرمجة"]
EXPERIENCE = [
    "عملت سنتين في ورشة تصليح سيارات في حي الصناعة.",
    "عملت بائعاً في محل ملابس ثلاث سنوات.",
    "تطوعت في منظمة إغاثة لمدة سنة.",
    "عملت محاسباً في شركة خاصة سنتين.",
    "",
]
COMPANY_NAMES = [
    "شركة دجلة للتجارة العامة",
    "شركة الرافدين للمقاولات",
    "شركة النخيل للبرمجيات",
    "شركة الفرات للنقل",
    "شركة بابل للصناعات الغذائية",
    "شركة سومر للاستشارات الهندسية",
]
COMPANY_ACTIVITIES = [
    "تجارة المواد الغذائية بالجملة والمفرد واستيرادها.",
    "تنفيذ المشاريع الإنشائية والمقاولات العامة.",
    "تطوير البرمجيات وتقديم خدمات تقنية المعلومات.",
    "نقل البضائع بين المحافظات.",
    "تقديم الاستشارات الهندسية والتصاميم.",
]
PURPOSE_OTHER = ["التقديم على زمالة دراسية", "إكمال معاملة تعيين في شركة خاصة", "طلب رخصة مزاولة مهنة"]
PLATE_LETTERS = ["أ", "ب", "ج", "د", "هـ", "و", "ن"]

# Correction requests: what the office writes when it returns a file, by the kind of answer to fix.
RETURN_MESSAGES: dict[str, list[str]] = {
    "file": [
        "الصورة المرفوعة غير واضحة، يرجى رفع نسخة ممسوحة ضوئياً بدقة أعلى.",
        "المستمسك المرفوع منتهي الصلاحية، يرجى رفع النسخة الحديثة.",
        "يرجى رفع الوجهين معاً في ملف واحد.",
    ],
    "text": [
        "الرقم المدخل لا يطابق ما في سجلاتنا، يرجى التأكد منه وتصحيحه.",
        "يرجى كتابة المعلومة كما وردت في الوثيقة الرسمية.",
    ],
    "address": ["يرجى كتابة العنوان كاملاً: المحلة والزقاق والدار وأقرب نقطة دالة."],
    "arabic_name": ["الاسم لا يطابق البطاقة الوطنية، يرجى كتابته كما ورد فيها."],
    "other": ["يرجى مراجعة هذه المعلومة وتصحيحها."],
}
EXTENSION_REASONS = [
    "ننتظر تأييد صحة صدور الوثيقة من الجهة المصدرة.",
    "ضغط العمل في الدائرة بسبب الحملة الوطنية للتحديث، نعتذر عن التأخير.",
    "الملف بحاجة إلى تدقيق إضافي من الشعبة القانونية.",
    "عطل في منظومة الطباعة، وسيتم الإنجاز حال إصلاحه.",
]
ESCALATION_REASONS = [
    "بيانات الطلب تتعارض مع قيد سابق، أحتاج توجيه مدير القسم.",
    "المواطن يطلب استثناءً من شرط العمر، والقرار خارج صلاحيتي.",
    "الوثيقة المرفقة صادرة من جهة خارج المحافظة، أحتاج موافقة على اعتمادها.",
]
REJECTION_TEXTS: dict[str, list[str]] = {
    "documents_incomplete": [
        "لم تُرفع المستمسكات المطلوبة كاملة بعد إعادة الطلب للتصحيح.",
        "المستمسكات المرفوعة غير مقروءة ولا يمكن اعتمادها.",
    ],
    "not_eligible": [
        "مقدم الطلب لا يستوفي شرط الإقامة في المحافظة.",
        "سبق أن صدرت الوثيقة نفسها خلال المدة المحددة قانوناً.",
    ],
    "record_mismatch": [
        "رقم البطاقة الوطنية لا يطابق الاسم في السجل المدني.",
        "تاريخ الولادة المدخل يختلف عما في السجل المدني.",
    ],
}
DEFAULT_REJECTION_TEXT = "لا يمكن إكمال الطلب للأسباب المبينة."
APPROVAL_NOTES = ["", "", "", "تم التدقيق والمطابقة مع السجلات.", "المستمسكات مكتملة وسليمة."]
CITIZEN_MESSAGES = [
    "متى يمكنني استلام الوثيقة؟",
    "هل أحتاج إلى الحضور شخصياً إلى الدائرة؟",
    "أرجو الإسراع بالمعاملة لأنني مسافر الشهر القادم.",
    "هل هناك مستمسك إضافي يجب أن أرفعه؟",
    "رفعت المستمسك مرة ثانية، أرجو التأكد من وصوله.",
]
OFFICE_REPLIES = [
    "طلبكم قيد التدقيق وسيتم إشعاركم برسالة عند إنجازه.",
    "لا حاجة للحضور، ستصلكم رسالة عند جاهزية الوثيقة للاستلام.",
    "المستمسكات مكتملة، ولا نحتاج أي شيء إضافي حالياً.",
    "وصل المستمسك، شكراً لكم.",
]
BREAK_GLASS_REASONS = [
    "المواطن حضر إلى دائرتنا وطلب الاستفسار عن معاملته المحالة إلى بغداد.",
    "تدقيق تطابق رقم البطاقة الوطنية مع معاملة جواز قيد الإنجاز لدينا.",
    "طلب رسمي من مدير المديرية للاطلاع على المعاملة بسبب شكوى المواطن.",
    "الاستفسار عن سبب تأخر معاملة محالة من دائرتنا.",
]
BREAK_GLASS_REVIEW_NOTES = [
    "تم التحقق من السبب مع مدير الدائرة، والاطلاع مبرر.",
    "الاطلاع مبرر، والمواطن راجع الدائرة فعلاً بحسب سجل المراجعين.",
]
