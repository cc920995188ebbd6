"""Iraq's governorates (fixed by the constitution and law; Halabja is the 19th since 2014)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Governorate(models.TextChoices):
    BAGHDAD = "BGD", _("Baghdad")
    BASRA = "BSR", _("Basra")
    NINEVEH = "NIN", _("Nineveh")
    ERBIL = "EBL", _("Erbil")
    SULAYMANIYAH = "SUL", _("Sulaymaniyah")
    DUHOK = "DUK", _("Duhok")
    HALABJA = "HLB", _("Halabja")
    KIRKUK = "KRK", _("Kirkuk")
    ANBAR = "ANB", _("Anbar")
    BABIL = "BBL", _("Babil")
    KARBALA = "KRB", _("Karbala")
    NAJAF = "NJF", _("Najaf")
    QADISIYAH = "QAD", _("Al-Qadisiyah")
    WASIT = "WST", _("Wasit")
    MAYSAN = "MYS", _("Maysan")
    DHI_QAR = "DHQ", _("Dhi Qar")
    MUTHANNA = "MTH", _("Muthanna")
    DIYALA = "DYL", _("Diyala")
    SALADIN = "SLD", _("Saladin")


KURDISTAN_REGION = frozenset(
    {Governorate.ERBIL, Governorate.SULAYMANIYAH, Governorate.DUHOK, Governorate.HALABJA}
)
