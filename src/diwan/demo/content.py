"""The demo organisation: real Iraqi agencies (names in Arabic, Central Kurdish and English), their
offices per governorate, demo staff for every role and synthetic citizens. Content only; loader.py
writes it through the actions."""

from __future__ import annotations

from dataclasses import dataclass

from diwan.core.governorates import KURDISTAN_REGION, Governorate
from diwan.directory.models import AgencyKind
from diwan.directory.roles import Role

Text = tuple[str, str, str]  # (ar, ckb, en)

# Governorate names in Arabic, Central Kurdish and English (English as in diwan.core.governorates).
GOVERNORATES: dict[str, Text] = {
    Governorate.BAGHDAD: ("بغداد", "بەغدا", "Baghdad"),
    Governorate.BASRA: ("البصرة", "بەسرە", "Basra"),
    Governorate.NINEVEH: ("نينوى", "نەینەوا", "Nineveh"),
    Governorate.ERBIL: ("أربيل", "هەولێر", "Erbil"),
    Governorate.SULAYMANIYAH: ("السليمانية", "سلێمانی", "Sulaymaniyah"),
    Governorate.DUHOK: ("دهوك", "دهۆک", "Duhok"),
    Governorate.HALABJA: ("حلبجة", "هەڵەبجە", "Halabja"),
    Governorate.KIRKUK: ("كركوك", "کەرکووک", "Kirkuk"),
    Governorate.ANBAR: ("الأنبار", "ئەنبار", "Anbar"),
    Governorate.BABIL: ("بابل", "بابل", "Babil"),
    Governorate.KARBALA: ("كربلاء", "کەربەلا", "Karbala"),
    Governorate.NAJAF: ("النجف", "نەجەف", "Najaf"),
    Governorate.QADISIYAH: ("القادسية", "قادسیە", "Al-Qadisiyah"),
    Governorate.WASIT: ("واسط", "واست", "Wasit"),
    Governorate.MAYSAN: ("ميسان", "مەیسان", "Maysan"),
    Governorate.DHI_QAR: ("ذي قار", "زیقار", "Dhi Qar"),
    Governorate.MUTHANNA: ("المثنى", "موسەننا", "Muthanna"),
    Governorate.DIYALA: ("ديالى", "دیالە", "Diyala"),
    Governorate.SALADIN: ("صلاح الدين", "سەلاحەدین", "Saladin"),
}
FEDERAL_GOVERNORATES = [g for g in GOVERNORATES if g not in KURDISTAN_REGION]
REGION_GOVERNORATES = [g for g in GOVERNORATES if g in KURDISTAN_REGION]


@dataclass(frozen=True)
class AgencySpec:
    code: str
    name: Text
    kind: str
    parent: str | None = None
    seat: str = Governorate.BAGHDAD  # governorate of the headquarters office


AGENCIES: list[AgencySpec] = [
    # Coordination body
    AgencySpec(
        "COMSEC",
        (
            "الأمانة العامة لمجلس الوزراء",
            "ئەمینداریەتیی گشتیی ئەنجومەنی وەزیران",
            "General Secretariat of the Council of Ministers",
        ),
        AgencyKind.COORDINATION_BODY,
    ),
    # Federal ministries
    AgencySpec(
        "MOI", ("وزارة الداخلية", "وەزارەتی ناوخۆ", "Ministry of Interior"), AgencyKind.FEDERAL_MINISTRY
    ),
    AgencySpec(
        "MOFA",
        ("وزارة الخارجية", "وەزارەتی دەرەوە", "Ministry of Foreign Affairs"),
        AgencyKind.FEDERAL_MINISTRY,
    ),
    AgencySpec(
        "MOF", ("وزارة المالية", "وەزارەتی دارایی", "Ministry of Finance"), AgencyKind.FEDERAL_MINISTRY
    ),
    AgencySpec(
        "MOH", ("وزارة الصحة", "وەزارەتی تەندروستی", "Ministry of Health"), AgencyKind.FEDERAL_MINISTRY
    ),
    AgencySpec(
        "MOE", ("وزارة التربية", "وەزارەتی پەروەردە", "Ministry of Education"), AgencyKind.FEDERAL_MINISTRY
    ),
    AgencySpec(
        "MOHESR",
        (
            "وزارة التعليم العالي والبحث العلمي",
            "وەزارەتی خوێندنی باڵا و توێژینەوەی زانستی",
            "Ministry of Higher Education and Scientific Research",
        ),
        AgencyKind.FEDERAL_MINISTRY,
    ),
    AgencySpec("MOJ", ("وزارة العدل", "وەزارەتی داد", "Ministry of Justice"), AgencyKind.FEDERAL_MINISTRY),
    AgencySpec(
        "MOLSA",
        (
            "وزارة العمل والشؤون الاجتماعية",
            "وەزارەتی کار و کاروباری کۆمەڵایەتی",
            "Ministry of Labour and Social Affairs",
        ),
        AgencyKind.FEDERAL_MINISTRY,
    ),
    AgencySpec(
        "MOP", ("وزارة التخطيط", "وەزارەتی پلاندانان", "Ministry of Planning"), AgencyKind.FEDERAL_MINISTRY
    ),
    AgencySpec(
        "MOT", ("وزارة التجارة", "وەزارەتی بازرگانی", "Ministry of Trade"), AgencyKind.FEDERAL_MINISTRY
    ),
    AgencySpec(
        "MOC",
        ("وزارة الاتصالات", "وەزارەتی گەیاندن", "Ministry of Communications"),
        AgencyKind.FEDERAL_MINISTRY,
    ),
    AgencySpec(
        "MOCHM",
        (
            "وزارة الإعمار والإسكان والبلديات العامة",
            "وەزارەتی ئاوەدانکردنەوە و نیشتەجێکردن و شارەوانییە گشتییەکان",
            "Ministry of Construction, Housing and Public Municipalities",
        ),
        AgencyKind.FEDERAL_MINISTRY,
    ),
    AgencySpec(
        "MOTR", ("وزارة النقل", "وەزارەتی گواستنەوە", "Ministry of Transport"), AgencyKind.FEDERAL_MINISTRY
    ),
    AgencySpec(
        "MOA", ("وزارة الزراعة", "وەزارەتی کشتوکاڵ", "Ministry of Agriculture"), AgencyKind.FEDERAL_MINISTRY
    ),
    AgencySpec(
        "MOEL", ("وزارة الكهرباء", "وەزارەتی کارەبا", "Ministry of Electricity"), AgencyKind.FEDERAL_MINISTRY
    ),
    AgencySpec("MOO", ("وزارة النفط", "وەزارەتی نەوت", "Ministry of Oil"), AgencyKind.FEDERAL_MINISTRY),
    AgencySpec(
        "MOMD",
        ("وزارة الهجرة والمهجرين", "وەزارەتی کۆچ و ئاوارەکان", "Ministry of Migration and Displaced"),
        AgencyKind.FEDERAL_MINISTRY,
    ),
    AgencySpec(
        "MOWR",
        ("وزارة الموارد المائية", "وەزارەتی سەرچاوەکانی ئاو", "Ministry of Water Resources"),
        AgencyKind.FEDERAL_MINISTRY,
    ),
    AgencySpec(
        "MOENV", ("وزارة البيئة", "وەزارەتی ژینگە", "Ministry of Environment"), AgencyKind.FEDERAL_MINISTRY
    ),
    # Independent bodies
    AgencySpec(
        "FBSA",
        (
            "ديوان الرقابة المالية الاتحادي",
            "دیوانی چاودێریی داراییی فیدراڵ",
            "Federal Board of Supreme Audit",
        ),
        AgencyKind.INDEPENDENT_BODY,
    ),
    AgencySpec(
        "COI",
        ("هيئة النزاهة الاتحادية", "دەستەی دەستپاکیی فیدراڵ", "Federal Commission of Integrity"),
        AgencyKind.INDEPENDENT_BODY,
    ),
    # The judiciary (administers itself)
    AgencySpec(
        "SJC",
        ("مجلس القضاء الأعلى", "ئەنجومەنی باڵای دادوەری", "Supreme Judicial Council"),
        AgencyKind.JUDICIARY,
    ),
    # Law enforcement (under the Ministry of Interior)
    AgencySpec(
        "IQ-POLICE",
        ("الشرطة العراقية", "پۆلیسی عێراق", "Iraqi Police"),
        AgencyKind.LAW_ENFORCEMENT,
        parent="MOI",
    ),
    # Kurdistan Region
    AgencySpec(
        "KRG-MOI",
        (
            "وزارة الداخلية في إقليم كوردستان",
            "وەزارەتی ناوخۆی هەرێمی کوردستان",
            "Kurdistan Region Ministry of Interior",
        ),
        AgencyKind.KRG_MINISTRY,
        seat=Governorate.ERBIL,
    ),
    AgencySpec(
        "KRG-MOLSA",
        (
            "وزارة العمل والشؤون الاجتماعية في إقليم كوردستان",
            "وەزارەتی کار و کاروباری کۆمەڵایەتیی هەرێمی کوردستان",
            "Kurdistan Region Ministry of Labour and Social Affairs",
        ),
        AgencyKind.KRG_MINISTRY,
        seat=Governorate.ERBIL,
    ),
    AgencySpec(
        "KRG-MOH",
        (
            "وزارة الصحة في إقليم كوردستان",
            "وەزارەتی تەندروستیی هەرێمی کوردستان",
            "Kurdistan Region Ministry of Health",
        ),
        AgencyKind.KRG_MINISTRY,
        seat=Governorate.ERBIL,
    ),
    AgencySpec(
        "KRG-DIT",
        (
            "دائرة تكنولوجيا المعلومات في حكومة إقليم كوردستان",
            "فەرمانگەی تەکنەلۆجیای زانیاری لە حکومەتی هەرێمی کوردستان",
            "Department of Information Technology, Kurdistan Regional Government",
        ),
        AgencyKind.KRG_MINISTRY,
        seat=Governorate.ERBIL,
    ),
]
# One governorate office (ديوان المحافظة) per governorate.
AGENCIES += [
    AgencySpec(
        f"GOV-{code}",
        (f"ديوان محافظة {ar}", f"دیوانی پارێزگای {ckb}", f"{en} Governorate Office"),
        AgencyKind.GOVERNORATE_OFFICE,
        seat=code,
    )
    for code, (ar, ckb, en) in GOVERNORATES.items()
]

HEADQUARTERS: Text = ("المقر العام", "بارەگای سەرەکی", "Headquarters")


@dataclass(frozen=True)
class OfficeSpec:
    agency: str
    code: str
    name: Text
    governorate: str
    parent: str | None = None  # office code in the same agency


def _per_governorate(
    agency: str, prefix: str, parent: str, governorates: list[str], ar: str, ckb: str, en: str
) -> list[OfficeSpec]:
    """Offices named from templates with {g} replaced by the governorate's name in each language."""
    return [
        OfficeSpec(
            agency,
            f"{prefix}-{g}",
            (
                ar.format(g=GOVERNORATES[g][0]),
                ckb.format(g=GOVERNORATES[g][1]),
                en.format(g=GOVERNORATES[g][2]),
            ),
            g,
            parent,
        )
        for g in governorates
    ]


OFFICES: list[OfficeSpec] = [
    OfficeSpec(a.code, "HQ", HEADQUARTERS, a.seat) for a in AGENCIES if a.code not in {"SJC", "IQ-POLICE"}
]
OFFICES += [
    # Ministry of Interior: civil status and national card, passports, traffic.
    OfficeSpec(
        "MOI",
        "CSPR",
        (
            "المديرية العامة للأحوال المدنية والجوازات والإقامة",
            "بەڕێوەبەرایەتیی گشتیی باری شارستانی و پاسپۆرت و نیشتەجێبوون",
            "General Directorate of Civil Status, Passports and Residence",
        ),
        Governorate.BAGHDAD,
        "HQ",
    ),
    OfficeSpec(
        "MOI",
        "TRAFFIC",
        ("المديرية العامة للمرور", "بەڕێوەبەرایەتیی گشتیی هاتوچۆ", "General Directorate of Traffic"),
        Governorate.BAGHDAD,
        "HQ",
    ),
    *_per_governorate(
        "MOI",
        "CS",
        "CSPR",
        FEDERAL_GOVERNORATES,
        "مديرية الأحوال المدنية والبطاقة الوطنية في {g}",
        "بەڕێوەبەرایەتیی باری شارستانی و کارتی نیشتمانی لە {g}",
        "Civil Status and National Card Directorate, {g}",
    ),
    *_per_governorate(
        "MOI",
        "PASS",
        "CSPR",
        list(GOVERNORATES),
        "مديرية جوازات {g}",
        "بەڕێوەبەرایەتیی پاسپۆرتی {g}",
        "Passports Directorate, {g}",
    ),
    *_per_governorate(
        "MOI",
        "TR",
        "TRAFFIC",
        FEDERAL_GOVERNORATES,
        "مديرية مرور {g}",
        "بەڕێوەبەرایەتیی هاتوچۆی {g}",
        "Traffic Directorate, {g}",
    ),
    # Kurdistan Region Ministry of Interior: civil status and traffic in the Region's governorates.
    *_per_governorate(
        "KRG-MOI",
        "CS",
        "HQ",
        REGION_GOVERNORATES,
        "مديرية الأحوال المدنية في {g}",
        "بەڕێوەبەرایەتیی باری شارستانی لە {g}",
        "Civil Status Directorate, {g}",
    ),
    *_per_governorate(
        "KRG-MOI",
        "TR",
        "HQ",
        REGION_GOVERNORATES,
        "مديرية مرور {g}",
        "بەڕێوەبەرایەتیی هاتوچۆی {g}",
        "Traffic Directorate, {g}",
    ),
    # Social protection (federal and Kurdistan Region).
    OfficeSpec(
        "MOLSA",
        "SPC",
        ("هيئة الحماية الاجتماعية", "دەستەی پاراستنی کۆمەڵایەتی", "Social Protection Commission"),
        Governorate.BAGHDAD,
        "HQ",
    ),
    *_per_governorate(
        "MOLSA",
        "SP",
        "SPC",
        FEDERAL_GOVERNORATES,
        "قسم الحماية الاجتماعية في {g}",
        "بەشی پاراستنی کۆمەڵایەتی لە {g}",
        "Social Protection Department, {g}",
    ),
    *_per_governorate(
        "KRG-MOLSA",
        "SP",
        "HQ",
        REGION_GOVERNORATES,
        "مديرية الرعاية والحماية الاجتماعية في {g}",
        "بەڕێوەبەرایەتیی چاودێری و پاراستنی کۆمەڵایەتی لە {g}",
        "Social Care and Protection Directorate, {g}",
    ),
    # The judiciary: the Council's presidency, a court of appeal and two of its courts.
    OfficeSpec(
        "SJC",
        "PRESIDENCY",
        (
            "رئاسة مجلس القضاء الأعلى",
            "سەرۆکایەتیی ئەنجومەنی باڵای دادوەری",
            "Presidency of the Supreme Judicial Council",
        ),
        Governorate.BAGHDAD,
    ),
    OfficeSpec(
        "SJC",
        "KARKH-APPEAL",
        (
            "رئاسة محكمة استئناف بغداد الكرخ الاتحادية",
            "سەرۆکایەتیی دادگای تێهەڵچوونەوەی فیدراڵیی بەغدا - کەرخ",
            "Presidency of the Baghdad Al-Karkh Federal Court of Appeal",
        ),
        Governorate.BAGHDAD,
        "PRESIDENCY",
    ),
    OfficeSpec(
        "SJC",
        "KARKH-FIRST",
        ("محكمة بداءة الكرخ", "دادگای بەرایی کەرخ", "Al-Karkh Court of First Instance"),
        Governorate.BAGHDAD,
        "KARKH-APPEAL",
    ),
    OfficeSpec(
        "SJC",
        "KARKH-INVEST",
        ("محكمة تحقيق الكرخ", "دادگای لێکۆڵینەوەی کەرخ", "Al-Karkh Investigation Court"),
        Governorate.BAGHDAD,
        "KARKH-APPEAL",
    ),
    # Police
    OfficeSpec(
        "IQ-POLICE",
        "CRIM-EVID",
        ("مديرية الأدلة الجنائية", "بەڕێوەبەرایەتیی بەڵگە تاوانییەکان", "Directorate of Criminal Evidence"),
        Governorate.BAGHDAD,
    ),
    OfficeSpec(
        "IQ-POLICE",
        "BGD-POLICE",
        ("قيادة شرطة بغداد", "فەرماندەیی پۆلیسی بەغدا", "Baghdad Police Command"),
        Governorate.BAGHDAD,
    ),
    OfficeSpec(
        "IQ-POLICE",
        "CRIM-REC",
        ("مديرية تسجيل الجنائي", "بەڕێوەبەرایەتیی تۆماری تاوان", "Directorate of Criminal Records"),
        Governorate.BAGHDAD,
    ),
    # Offices the service catalogue routes to (services/*.yaml).
    OfficeSpec(
        "MOT",
        "CRD",
        ("دائرة تسجيل الشركات", "فەرمانگەی تۆمارکردنی کۆمپانیاکان", "Companies Registration Department"),
        Governorate.BAGHDAD,
        "HQ",
    ),
    OfficeSpec(
        "MOHESR",
        "DOC-AUTH",
        (
            "قسم تصديق الوثائق الدراسية",
            "بەشی پەسەندکردنی بەڵگەنامە خوێندنییەکان",
            "Academic Documents Authentication Section",
        ),
        Governorate.BAGHDAD,
        "HQ",
    ),
    *_per_governorate(
        "MOCHM",
        "MUN",
        "HQ",
        FEDERAL_GOVERNORATES,
        "مديرية بلديات محافظة {g}",
        "بەڕێوەبەرایەتیی شارەوانییەکانی پارێزگای {g}",
        "Municipalities Directorate, {g} Governorate",
    ),
    *_per_governorate(
        "MOLSA",
        "LAB",
        "HQ",
        FEDERAL_GOVERNORATES,
        "دائرة العمل والتدريب المهني في {g}",
        "فەرمانگەی کار و ڕاهێنانی پیشەیی لە {g}",
        "Labour and Vocational Training Department, {g}",
    ),
    *_per_governorate(
        "SJC",
        "PS",
        "PRESIDENCY",
        FEDERAL_GOVERNORATES,
        "محكمة الأحوال الشخصية في {g}",
        "دادگای باری کەسی لە {g}",
        "Personal Status Court, {g}",
    ),
]

# Position titles per role, in Arabic, Central Kurdish and English.
POSITION_TITLES: dict[str, Text] = {
    Role.COORDINATION_ADMIN: (
        "مدير دليل الجهات الحكومية",
        "بەڕێوەبەری ڕێبەری دامەزراوە حکومییەکان",
        "Government directory administrator",
    ),
    Role.AGENCY_ADMIN: (
        "مدير أنظمة الجهة",
        "بەڕێوەبەری سیستەمەکانی دامەزراوە",
        "Agency systems administrator",
    ),
    Role.CASE_OFFICER: ("موظف معاملات", "فەرمانبەری مامەڵەکان", "Case officer"),
    Role.REVIEWER: ("مدقق معاملات", "وردبینی مامەڵەکان", "Case reviewer"),
    Role.APPROVER: ("مدير القسم", "بەڕێوەبەری بەش", "Head of section"),
    Role.REGISTRY_CLERK: ("موظف الصادرة والواردة", "فەرمانبەری نووسراوی هاتوو و ڕۆیشتوو", "Registry clerk"),
    Role.INTEGRITY_OFFICER: ("مسؤول شعبة النزاهة", "بەرپرسی هۆبەی دەستپاکی", "Integrity officer"),
    Role.DATA_PROTECTION_OFFICER: (
        "مسؤول حماية البيانات",
        "بەرپرسی پاراستنی داتا",
        "Data protection officer",
    ),
    Role.JUDGE: ("قاضي التحقيق", "دادوەری لێکۆڵینەوە", "Investigating judge"),
    Role.LAW_ENFORCEMENT_OFFICER: ("ضابط تحقيق", "ئەفسەری لێکۆڵینەوە", "Investigating officer"),
    Role.AUDITOR: ("مدقق حسابات", "وردبینی ژمێریاری", "Auditor"),
}


@dataclass(frozen=True)
class StaffSpec:
    username: str
    name_ar: str
    name_ckb: str
    name_latin: str
    agency: str
    office: str
    role: str


# One or more demo staff for every staff role. Passwords and TOTP secrets are derived in loader.py.
STAFF: list[StaffSpec] = [
    StaffSpec(
        "coord.admin",
        "سارة عبد الكريم الجبوري",
        "",
        "Sara Abdulkarim Al-Jubouri",
        "COMSEC",
        "HQ",
        Role.COORDINATION_ADMIN,
    ),
    StaffSpec("moi.admin", "حيدر عباس الموسوي", "", "Haider Abbas Al-Musawi", "MOI", "HQ", Role.AGENCY_ADMIN),
    StaffSpec("moi.officer", "زينب علي حسين", "", "Zainab Ali Hussein", "MOI", "CS-BGD", Role.CASE_OFFICER),
    StaffSpec(
        "moi.reviewer", "مصطفى كاظم الربيعي", "", "Mustafa Kadhim Al-Rubaie", "MOI", "CS-BGD", Role.REVIEWER
    ),
    StaffSpec(
        "moi.approver",
        "نور الهدى جاسم محمد",
        "",
        "Nour Al-Huda Jasim Mohammed",
        "MOI",
        "CS-BGD",
        Role.APPROVER,
    ),
    StaffSpec("moi.registry", "علي حسن الساعدي", "", "Ali Hassan Al-Saadi", "MOI", "HQ", Role.REGISTRY_CLERK),
    StaffSpec(
        "moi.integrity",
        "فاطمة رحيم العبيدي",
        "",
        "Fatima Rahim Al-Obaidi",
        "MOI",
        "HQ",
        Role.INTEGRITY_OFFICER,
    ),
    StaffSpec(
        "moi.dpo", "عمر خالد الدليمي", "", "Omar Khalid Al-Dulaimi", "MOI", "HQ", Role.DATA_PROTECTION_OFFICER
    ),
    StaffSpec(
        "molsa.officer", "رسل حميد الكعبي", "", "Rusul Hameed Al-Kaabi", "MOLSA", "SP-BSR", Role.CASE_OFFICER
    ),
    # The busiest demo office: passports in Baghdad (check, review and approval stages).
    StaffSpec(
        "pass.officer",
        "مريم عادل الحسناوي",
        "",
        "Maryam Adel Al-Hasnawi",
        "MOI",
        "PASS-BGD",
        Role.CASE_OFFICER,
    ),
    StaffSpec(
        "pass.reviewer", "ياسر نعمة البياتي", "", "Yasir Nima Al-Bayati", "MOI", "PASS-BGD", Role.REVIEWER
    ),
    StaffSpec(
        "pass.approver", "هدى سلمان العزاوي", "", "Huda Salman Al-Azzawi", "MOI", "PASS-BGD", Role.APPROVER
    ),
    StaffSpec(
        "sjc.admin", "أحمد فاضل التميمي", "", "Ahmed Fadhil Al-Tamimi", "SJC", "PRESIDENCY", Role.AGENCY_ADMIN
    ),
    StaffSpec(
        "sjc.judge", "رياض جواد الخفاجي", "", "Riyadh Jawad Al-Khafaji", "SJC", "KARKH-INVEST", Role.JUDGE
    ),
    StaffSpec(
        "police.admin",
        "كريم ناصر الزيدي",
        "",
        "Karim Nasser Al-Zaidi",
        "IQ-POLICE",
        "CRIM-EVID",
        Role.AGENCY_ADMIN,
    ),
    StaffSpec(
        "police.officer",
        "حسين علي الشمري",
        "",
        "Hussein Ali Al-Shammari",
        "IQ-POLICE",
        "CRIM-EVID",
        Role.LAW_ENFORCEMENT_OFFICER,
    ),
    StaffSpec("auditor", "ليلى صباح النعيمي", "", "Layla Sabah Al-Nuaimi", "FBSA", "HQ", Role.AUDITOR),
    StaffSpec(
        "krg.admin",
        "هيمن عمر محمد",
        "هێمن عومەر محەمەد",
        "Hemin Omar Mohammed",
        "KRG-MOI",
        "HQ",
        Role.AGENCY_ADMIN,
    ),
    StaffSpec(
        "krg.officer",
        "شيلان أحمد رسول",
        "شیلان ئەحمەد ڕەسووڵ",
        "Shilan Ahmed Rasul",
        "KRG-MOI",
        "CS-EBL",
        Role.CASE_OFFICER,
    ),
]

# Synthetic citizens: names people in Iraq actually carry. (Arabic script, Latin) for Arab names.
ARAB_MEN = [
    ("محمد", "Mohammed"),
    ("علي", "Ali"),
    ("حسين", "Hussein"),
    ("حسن", "Hassan"),
    ("أحمد", "Ahmed"),
    ("عباس", "Abbas"),
    ("مصطفى", "Mustafa"),
    ("عمر", "Omar"),
    ("كرار", "Karrar"),
    ("حيدر", "Haider"),
    ("مهدي", "Mahdi"),
    ("جاسم", "Jasim"),
    ("كاظم", "Kadhim"),
    ("ياسر", "Yasir"),
    ("سجاد", "Sajjad"),
    ("يوسف", "Yousif"),
    ("عبد الله", "Abdullah"),
    ("فراس", "Firas"),
    ("خالد", "Khalid"),
    ("صباح", "Sabah"),
]
ARAB_WOMEN = [
    ("زينب", "Zainab"),
    ("فاطمة", "Fatima"),
    ("مريم", "Maryam"),
    ("نور", "Noor"),
    ("سارة", "Sara"),
    ("رقية", "Ruqaya"),
    ("هدى", "Huda"),
    ("آمنة", "Amina"),
    ("شهد", "Shahad"),
    ("دعاء", "Duaa"),
    ("رسل", "Rusul"),
    ("بتول", "Batool"),
]
ARAB_FAMILIES = [
    ("الجبوري", "Al-Jubouri"),
    ("الدليمي", "Al-Dulaimi"),
    ("الموسوي", "Al-Musawi"),
    ("التميمي", "Al-Tamimi"),
    ("الساعدي", "Al-Saadi"),
    ("العبيدي", "Al-Obaidi"),
    ("الربيعي", "Al-Rubaie"),
    ("الخفاجي", "Al-Khafaji"),
    ("الشمري", "Al-Shammari"),
    ("الزبيدي", "Al-Zubaidi"),
    ("الكعبي", "Al-Kaabi"),
    ("العزاوي", "Al-Azzawi"),
    ("البياتي", "Al-Bayati"),
    ("الحسناوي", "Al-Hasnawi"),
]
# Kurdish names: (Arabic script as on Iraqi documents, Central Kurdish spelling, Latin).
KURDISH_MEN = [
    ("هيمن", "هێمن", "Hemin"),
    ("كاروان", "کاروان", "Karwan"),
    ("آراس", "ئاراس", "Aras"),
    ("شوان", "شوان", "Shwan"),
    ("دلشاد", "دڵشاد", "Dilshad"),
    ("ريبوار", "ڕێبوار", "Rebwar"),
    ("سيروان", "سیروان", "Sirwan"),
    ("بختيار", "بەختیار", "Bakhtiyar"),
    ("هوشيار", "هۆشیار", "Hoshyar"),
    ("زانا", "زانا", "Zana"),
    ("نوزاد", "نەوزاد", "Nawzad"),
    ("فرهاد", "فەرهاد", "Farhad"),
]
KURDISH_WOMEN = [
    ("شيلان", "شیلان", "Shilan"),
    ("روناك", "ڕووناک", "Runak"),
    ("نسرين", "نەسرین", "Nasrin"),
    ("هيرو", "هێرۆ", "Hero"),
    ("شنو", "شنۆ", "Shno"),
    ("بيريفان", "بێریڤان", "Berivan"),
    ("كژال", "کژاڵ", "Kazhal"),
    ("آواز", "ئاواز", "Awaz"),
    ("سوزان", "سۆزان", "Suzan"),
]
KURDISH_FATHERS = [
    ("محمد", "محەمەد", "Mohammed"),
    ("أحمد", "ئەحمەد", "Ahmed"),
    ("عمر", "عومەر", "Omar"),
    ("رسول", "ڕەسووڵ", "Rasul"),
    ("عبدالله", "عەبدوڵڵا", "Abdullah"),
    ("كريم", "کەریم", "Karim"),
    ("قادر", "قادر", "Qadir"),
    ("صالح", "ساڵح", "Salih"),
    ("عثمان", "عوسمان", "Osman"),
    ("مصطفى", "مستەفا", "Mustafa"),
]
ARAB_CITIZENS = 36
KURDISH_CITIZENS = 24
CITIZEN_SEED = 20260101
# Iraqi mobile operator prefixes after +9647: Korek (5x), Asiacell (7x), Zain (8x, 9x).
MOBILE_PREFIXES = ["50", "51", "70", "71", "72", "80", "81", "90"]
