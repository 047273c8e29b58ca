"""The unified social credit code (统一社会信用代码, GB 32100-2015).

The check character is computed here from the standard itself (alphabet and weights
3^(i-1) mod 31), never with the application's own helper, so a broken implementation cannot
agree with itself.
"""

import pytest
from django.core.exceptions import ValidationError
from django.forms import modelform_factory
from hypothesis import given
from hypothesis import strategies as st

from core.models import Department
from core.validators import validate_uscc

# GB 32100-2015: digits and capitals without I, O, S, V and Z; a character's value is its index.
ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALID_CODES = [
    "91350100M000100Y43",
    "91110000600037341L",
    "121200004013590816",
    "11100000MB0341032Y",
]
# Characters that may never appear in a code, whatever their position.
OUTSIDE_ALPHABET = ["I", "O", "S", "V", "Z", "i", "o", "a", "m", "y", "-", " ", "*", "０"]


def weights() -> list[int]:
    result, weight = [], 1
    for _position in range(17):
        result.append(weight)
        weight = weight * 3 % 31
    return result


def check_character(first17: str) -> str:
    total = sum(
        ALPHABET.index(char) * weight for char, weight in zip(first17, weights(), strict=True)
    )
    return ALPHABET[(31 - total % 31) % 31]


def rejection(code: str) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        validate_uscc(code)
    return caught.value


def test_the_weights_are_those_published_in_the_standard():
    assert weights() == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


@pytest.mark.parametrize("code", VALID_CODES)
def test_a_published_example_code_is_accepted(code):
    assert check_character(code[:17]) == code[17]  # the examples agree with the standard
    validate_uscc(code)


@pytest.mark.parametrize("code", VALID_CODES)
@pytest.mark.parametrize("position", range(18))
def test_every_single_character_change_of_a_valid_code_is_rejected(code, position):
    accepted = []
    for replacement in [*ALPHABET, *OUTSIDE_ALPHABET]:
        if replacement == code[position]:
            continue
        mutated = code[:position] + replacement + code[position + 1 :]
        try:
            validate_uscc(mutated)
        except ValidationError:
            continue
        accepted.append(mutated)
    assert accepted == [], f"single-character changes of {code} were accepted"


@pytest.mark.parametrize("code", ["", "91350100M000100Y4", "91350100M000100Y433", "9135"])
def test_a_code_of_the_wrong_length_is_rejected_naming_the_length_rule(code):
    error = rejection(code)
    assert error.code == "uscc_length"
    assert error.params["length"] == len(code)
    assert str(len(code)) in error.messages[0]


def test_a_character_outside_the_alphabet_is_rejected_naming_its_position_and_character():
    error = rejection("91350100I000100Y43")
    assert error.code == "uscc_alphabet"
    assert error.params == {"position": 9, "char": "I"}
    assert "9" in error.messages[0]
    assert "I" in error.messages[0]


def test_a_lower_case_letter_is_outside_the_alphabet_for_the_raw_validator():
    error = rejection("91350100m000100Y43")
    assert error.code == "uscc_alphabet"
    assert error.params["char"] == "m"


def test_a_wrong_check_character_is_rejected_naming_the_expected_one():
    error = rejection("91350100M000100Y44")
    assert error.code == "uscc_check"
    assert error.params == {"expected": "3", "actual": "4"}
    assert "“3”" in error.messages[0]
    assert "“4”" in error.messages[0]


@pytest.mark.parametrize("code", VALID_CODES)
def test_swapping_two_neighbouring_characters_of_a_valid_code_is_rejected(code):
    accepted = []
    for position in range(16):  # the 17 body characters; the check character stays put
        if code[position] == code[position + 1]:
            continue
        swapped = code[:position] + code[position + 1] + code[position] + code[position + 2 :]
        try:
            validate_uscc(swapped)
        except ValidationError:
            continue
        accepted.append(swapped)
    assert accepted == []


@given(st.text(alphabet=ALPHABET, min_size=17, max_size=17))
def test_any_seventeen_characters_with_their_computed_check_character_are_accepted(first17):
    validate_uscc(first17 + check_character(first17))


@given(
    st.text(alphabet=ALPHABET, min_size=17, max_size=17),
    st.sampled_from(ALPHABET),
)
def test_any_other_check_character_is_rejected(first17, wrong):
    if wrong == check_character(first17):
        wrong = ALPHABET[(ALPHABET.index(wrong) + 1) % len(ALPHABET)]
    with pytest.raises(ValidationError) as caught:
        validate_uscc(first17 + wrong)
    assert caught.value.code == "uscc_check"


# --- The code as users type it into the model and its forms --------------------------------

NANJING_FIRST17 = "11320100MB0341032"
NANJING_CODE = NANJING_FIRST17 + check_character(NANJING_FIRST17)


def sloppily_typed(code: str) -> str:
    """Lower case, with the spaces people copy from printed certificates."""
    lowered = code.lower()
    return f" {lowered[:2]} {lowered[2:8]} {lowered[8:]} "


def test_a_department_saved_through_full_clean_stores_the_code_in_upper_case(regions):
    department = Department(name="南京市财政局", uscc=sloppily_typed(NANJING_CODE))
    department.region = regions["320100"]
    department.full_clean()
    department.save()
    department.refresh_from_db()
    assert department.uscc == NANJING_CODE


def test_full_clean_rejects_a_mistyped_code_naming_the_check_rule(regions):
    mistyped = NANJING_FIRST17 + ALPHABET[(ALPHABET.index(NANJING_CODE[17]) + 1) % 31]
    department = Department(name="南京市财政局", uscc=mistyped.lower(), region=regions["320100"])
    with pytest.raises(ValidationError) as caught:
        department.full_clean()
    assert [error.code for error in caught.value.error_dict["uscc"]] == ["uscc_check"]


DepartmentForm = modelform_factory(Department, fields=["name", "uscc", "region", "kind", "active"])


def test_the_department_form_accepts_a_code_typed_in_lower_case_with_spaces(regions):
    form = DepartmentForm(
        data={
            "name": "南京市财政局",
            "uscc": sloppily_typed(NANJING_CODE),
            "region": regions["320100"].pk,
            "kind": "organ",
            "active": "on",
        }
    )
    assert form.is_valid(), form.errors
    department = form.save()
    assert Department.objects.get(pk=department.pk).uscc == NANJING_CODE


def test_the_department_form_reports_an_invalid_code_next_to_the_field(regions):
    form = DepartmentForm(
        data={
            "name": "南京市财政局",
            "uscc": "11320100MB03410",
            "region": regions["320100"].pk,
            "kind": "organ",
        }
    )
    assert not form.is_valid()
    assert [error.code for error in form.errors.as_data()["uscc"]] == ["uscc_length"]
    assert Department.objects.count() == 0


def test_a_code_typed_in_lower_case_is_recognised_as_a_duplicate_of_a_stored_code(regions):
    Department.objects.create(name="南京市财政局", uscc=NANJING_CODE, region=regions["320100"])
    form = DepartmentForm(
        data={
            "name": "另一个部门",
            "uscc": NANJING_CODE.lower(),
            "region": regions["320100"].pk,
            "kind": "organ",
        }
    )
    assert not form.is_valid()
    assert [error.code for error in form.errors.as_data()["uscc"]] == ["unique"]
    assert Department.objects.count() == 1


def test_a_supervisor_adding_a_department_in_the_admin_may_type_the_code_in_lower_case(
    login, nanjing_supervisor, regions
):
    response = login(nanjing_supervisor).post(
        "/admin/core/department/add/",
        {
            "name": "南京市审计局",
            "uscc": sloppily_typed(NANJING_CODE),
            "kind": "organ",
            "region": regions["320100"].pk,
            "parent": "",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Department.objects.get(name="南京市审计局").uscc == NANJING_CODE
