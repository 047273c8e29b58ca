"""Validators of the platform's codes and secrets: the unified social credit code (its rules
live in ``core.uscc`` and are re-exported here), region codes, resident identity numbers (never
stored) and password rules.
"""

import datetime

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.uscc import (  # noqa: F401 (re-exported: the validators of the platform's codes)
    USCC_ALPHABET,
    USCC_LENGTH,
    USCC_WEIGHTS,
    make_uscc,
    normalize_uscc,
    organisation_check_character,
    uscc_check_character,
    validate_uscc,
)


def validate_region_code(value: str) -> None:
    """A GB/T 2260 administrative division code: six digits."""
    # isascii(): str.isdigit() also accepts full-width digits ("３２０１００") typed with a Chinese
    # input method, which would be stored as a code no lookup of the real one ever finds.
    if len(value) != 6 or not (value.isascii() and value.isdigit()):
        raise ValidationError(
            _("A region code is six digits (GB/T 2260), for example 320100."),
            code="region_code",
        )


# GB 11643-1999: weights of the first 17 digits of a resident identity number, and the check
# character for each remainder of the weighted sum modulo 11.
RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_ID_CHECK = "10X98765432"


def _is_birth_date(text: str) -> bool:
    try:
        born = datetime.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return False
    return datetime.date(1900, 1, 1) <= born <= datetime.date.today()


def looks_like_resident_id(value: str) -> bool:
    """Whether ``value`` is shaped like a PRC resident identity number (居民身份证号码): 17
    digits and a digit or X whose birth date part is a real date or whose check character
    is right (GB 11643), or an old 15-digit number with a real birth date (19YYMMDD)."""
    value = "".join(str(value).split()).upper()
    if not value.isascii():
        return False
    if len(value) == 18 and value[:17].isdigit() and (value[17].isdigit() or value[17] == "X"):
        total = sum(int(d) * w for d, w in zip(value[:17], RESIDENT_ID_WEIGHTS, strict=True))
        return _is_birth_date(value[6:14]) or RESIDENT_ID_CHECK[total % 11] == value[17]
    if len(value) == 15 and value.isdigit():
        return _is_birth_date("19" + value[6:12])
    return False


def validate_not_resident_id(value: str) -> None:
    """An official is identified by their department's employee number, never by a national
    ID number (personal information the portal must not hold)."""
    if looks_like_resident_id(value):
        raise ValidationError(
            _(
                "This looks like a resident identity card number. Enter the employee number "
                "the department assigns; national ID numbers are never stored here."
            ),
            code="resident_id",
        )


class CharacterClassesValidator:
    """A password mixes at least ``min_classes`` of the four character classes: lower-case
    letters, upper-case letters, digits and other characters (punctuation, spaces, Chinese)."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    @staticmethod
    def classes_in(password: str) -> int:
        found = set()
        for char in password:
            if char.isascii() and char.islower():
                found.add("lower")
            elif char.isascii() and char.isupper():
                found.add("upper")
            elif char.isascii() and char.isdigit():
                found.add("digit")
            else:
                found.add("other")
        return len(found)

    def validate(self, password: str, user=None) -> None:
        if self.classes_in(password) < self.min_classes:
            raise ValidationError(
                _(
                    "This password must mix at least %(min_classes)d of: lower-case letters, "
                    "upper-case letters, digits and other characters."
                ),
                code="password_too_uniform",
                params={"min_classes": self.min_classes},
            )

    def get_help_text(self) -> str:
        return _(
            "Your password must mix at least %(min_classes)d of: lower-case letters, "
            "upper-case letters, digits and other characters."
        ) % {"min_classes": self.min_classes}


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    """Django's length rule, with a message of our own: Django 5.2's message changed its
    placeholder and its Chinese catalogue has not caught up, so users would read English."""

    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short: it needs at least %(min_length)d character.",
            "This password is too short: it needs at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
