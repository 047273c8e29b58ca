"""The unified social credit code (统一社会信用代码, GB 32100-2015): its alphabet, its check
character, and the rules of its parts (positions 1-2 from the standard's table, 3-8 digits,
9-17 a GB 11714 organisation code with its own check character).

The check characters are computed here from the standards themselves (alphabet and weights
3^(i-1) mod 31; GB 11714's weights), never with the application's own helpers, so a broken
implementation cannot agree with itself.
"""

import pytest
from django.core.exceptions import ValidationError
from django.forms import modelform_factory
from django.utils.translation import override
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


# GB 32100-2015 table 1 (registration authority -> its category codes), written out here
# from the standard as amended, independently of core.uscc.
STANDARD_PREFIXES = [
    authority + category
    for authority, categories in {
        "1": "1239",
        "2": "19",
        "3": "123459",
        "4": "19",
        "5": "1239",
        "6": "129",
        "7": "129",
        "8": "19",
        "9": "123",
        "A": "19",
        "N": "1239",
        "Y": "1",
    }.items()
    for category in categories
]
GB11714_VALUE = {char: value for value, char in enumerate("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ")}


def organisation_check(first8: str) -> str:
    """GB 11714: C9 = 11 − Σ Ci·Wi mod 11 (W = 3 7 9 10 5 8 4 2); 10 is X and 11 is 0."""
    total = sum(
        GB11714_VALUE[char] * weight
        for char, weight in zip(first8, (3, 7, 9, 10, 5, 8, 4, 2), strict=True)
    )
    return {10: "X", 11: "0"}.get(11 - total % 11, str(11 - total % 11))


def complete(prefix: str, region: str, first8: str) -> str:
    first17 = prefix + region + first8 + organisation_check(first8)
    return first17 + check_character(first17)


valid_parts = st.tuples(
    st.sampled_from(STANDARD_PREFIXES),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=ALPHABET, min_size=8, max_size=8),
)


@given(valid_parts)
def test_any_code_built_by_the_rules_with_both_check_characters_is_accepted(parts):
    validate_uscc(complete(*parts))


@given(valid_parts, st.sampled_from(ALPHABET))
def test_any_other_check_character_is_rejected(parts, wrong):
    first17 = complete(*parts)[:17]
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


# --- Its parts: positions 1-2, 3-8 and 9-17 -------------------------------------------------


def refusal_code(code: str) -> str:
    return rejection(code).code


@pytest.mark.parametrize(
    ("first8", "worked_out"),
    [
        # The standard's example 91350100M000100Y43: M = 22 and Y = 34 in GB 11714 (not their
        # places 21 and 30 in the credit code's alphabet):
        # 22·3 + 0·7 + 0·9 + 0·10 + 1·5 + 0·8 + 0·4 + 34·2 = 66 + 5 + 68 = 139;
        # 139 mod 11 = 7; 11 − 7 = 4.
        ("M000100Y", "4"),
        # 91110000600037341L: 6·3 + 3·5 + 7·8 + 3·4 + 4·2 = 18 + 15 + 56 + 12 + 8 = 109;
        # 109 mod 11 = 10; 11 − 10 = 1.
        ("60003734", "1"),
        # 11100000MB0341032Y: M = 22, B = 11: 66 + 77 + 0 + 30 + 20 + 8 + 0 + 6 = 207;
        # 207 mod 11 = 9; 11 − 9 = 2.
        ("MB034103", "2"),
        # Boundary 10 → X: 4·3 = 12; 12 mod 11 = 1; 11 − 1 = 10, written X.
        ("40000000", "X"),
        # Boundary 11 → 0: all zeros, Σ = 0; 11 − 0 = 11, written 0.
        ("00000000", "0"),
        # Boundary 11 → 0 with a letter: B = 11, 11·3 = 33; 33 mod 11 = 0; 11 − 0 = 11 → 0.
        ("B0000000", "0"),
    ],
)
def test_the_organisation_code_check_character_is_that_of_gb_11714(first8, worked_out):
    assert organisation_check(first8) == worked_out  # the helper agrees with the hand sums
    code = complete("11", "320100", first8)
    assert code[16] == worked_out
    validate_uscc(code)


@pytest.mark.parametrize("first8", ["M000100Y", "60003734", "40000000", "00000000", "B0000000"])
def test_any_other_organisation_check_character_is_refused_naming_gb_11714(first8):
    right = organisation_check(first8)
    for wrong in [char for char in ALPHABET if char != right]:
        first17 = "11320100" + first8 + wrong
        # The whole code's check character is right, so only the organisation code's rule fails.
        error = rejection(first17 + check_character(first17))
        assert error.code == "uscc_organisation_check"
        assert error.params == {"expected": right, "actual": wrong}
        assert "GB 11714" in error.messages[0]


def test_every_prefix_of_the_standards_table_is_accepted_and_no_other():
    accepted = []
    for authority in ALPHABET:
        for category in ALPHABET:
            try:
                validate_uscc(complete(authority + category, "320100", "MB034103"))
            except ValidationError:
                continue
            accepted.append(authority + category)
    assert sorted(accepted) == sorted(STANDARD_PREFIXES)


@pytest.mark.parametrize("authority", [c for c in ALPHABET if c not in "123456789ANY"])
def test_an_unknown_registration_authority_is_refused_naming_position_1(authority):
    error = rejection(complete(authority + "1", "320100", "MB034103"))
    assert error.code == "uscc_authority"
    assert error.params["char"] == authority
    assert "GB 32100-2015" in error.messages[0]


@pytest.mark.parametrize(
    ("prefix", "authority_allows"),
    [
        ("14", "1239"),  # 机构编制: 1 机关, 2 事业单位, 3 群众团体, 9 其他
        ("22", "19"),  # 外交
        ("36", "123459"),  # 司法行政
        ("42", "19"),  # 文化
        ("54", "1239"),  # 民政: 1 社会团体, 2 民办非企业单位, 3 基金会, 9 其他
        ("63", "129"),  # 旅游
        ("73", "129"),  # 宗教
        ("82", "19"),  # 工会
        ("99", "123"),  # 工商: 1 企业, 2 个体工商户, 3 农民专业合作社 (no 9)
        ("A2", "19"),  # 中央军委改革和编制办公室
        ("N4", "1239"),  # 农业
        ("Y2", "1"),  # 其他: category 1 only
    ],
)
def test_a_category_its_authority_does_not_have_is_refused_naming_position_2(
    prefix, authority_allows
):
    error = rejection(complete(prefix, "320100", "MB034103"))
    assert error.code == "uscc_category"
    assert (error.params["char"], error.params["authority"]) == (prefix[1], prefix[0])
    # The message lists the categories the authority does have.
    listed = [part.split(" ")[0] for part in error.params["allowed"].split("; ")]
    assert listed == list(authority_allows)


@pytest.mark.parametrize("position", range(3, 9))
def test_a_letter_in_the_region_code_is_refused_naming_its_position(position):
    region = "320100"
    region = region[: position - 3] + "A" + region[position - 2 :]
    error = rejection(complete("11", region, "MB034103"))
    assert error.code == "uscc_region"
    assert error.params == {"position": position, "char": "A"}
    assert "GB/T 2260" in error.messages[0]


@pytest.mark.parametrize(
    ("code", "rule"),
    [
        ("B1320100MB0341032" + check_character("B1320100MB0341032"), "uscc_authority"),
        ("19320100MB0341032" + check_character("19320100MB0341032"), None),
        ("94320100MB0341032" + check_character("94320100MB0341032"), "uscc_category"),
        ("113201A0MB0341032" + check_character("113201A0MB0341032"), "uscc_region"),
        ("11320100MB0341033" + check_character("11320100MB0341033"), "uscc_organisation_check"),
        ("11320100MB0341032" + "0", "uscc_check"),
    ],
)
def test_each_position_of_a_code_is_refused_by_its_own_rule(code, rule):
    if rule is None:
        validate_uscc(code)
    else:
        assert refusal_code(code) == rule


def test_the_refusals_are_translated_into_chinese():
    with override("zh-hans"):
        messages = [
            rejection(complete("B1", "320100", "MB034103")).messages[0],
            rejection(complete("94", "320100", "MB034103")).messages[0],
            rejection(complete("11", "3201A0", "MB034103")).messages[0],
            rejection("11320100MB0341033" + check_character("11320100MB0341033")).messages[0],
        ]
    assert all("第" in message and "GB" in message for message in messages), messages
    assert "工商" in messages[1] and "企业" in messages[1]


# --- A department's kind agrees with its code --------------------------------------------------

ORGAN_CODE = complete("11", "320100", "MB034103")
INSTITUTION_CODE = complete("12", "320100", "MB034104")
ENTERPRISE_CODE = complete("91", "320100", "MB034105")


@pytest.mark.parametrize(
    ("code", "kind", "agrees"),
    [
        (ORGAN_CODE, "organ", True),
        (ORGAN_CODE, "institution", False),
        (ORGAN_CODE, "other", False),
        (INSTITUTION_CODE, "institution", True),
        (INSTITUTION_CODE, "organ", False),
        (INSTITUTION_CODE, "other", False),
        (ENTERPRISE_CODE, "other", True),
        (ENTERPRISE_CODE, "organ", False),
        (ENTERPRISE_CODE, "institution", False),
    ],
)
def test_a_departments_kind_must_agree_with_its_code(regions, code, kind, agrees):
    department = Department(name="南京市审计局", uscc=code, kind=kind, region=regions["320100"])
    if agrees:
        department.full_clean()
        return
    with pytest.raises(ValidationError) as caught:
        department.full_clean()
    errors = caught.value.error_dict
    assert list(errors) == ["kind"]
    assert [error.code for error in errors["kind"]] == ["kind_disagrees_with_uscc"]
    assert "GB 32100-2015" in caught.value.message_dict["kind"][0]
    assert code[:2] in caught.value.message_dict["kind"][0]


def test_a_code_that_is_itself_wrong_is_reported_once_on_the_code_not_on_the_kind(regions):
    department = Department(
        name="南京市审计局",
        uscc=ORGAN_CODE[:17] + "0",
        kind="institution",
        region=regions["320100"],
    )
    if ORGAN_CODE[17] == "0":
        department.uscc = ORGAN_CODE[:17] + "1"
    with pytest.raises(ValidationError) as caught:
        department.full_clean()
    assert list(caught.value.error_dict) == ["uscc"]


def test_the_department_form_reports_a_kind_that_disagrees_with_the_code(regions):
    form = DepartmentForm(
        data={
            "name": "南京市审计局",
            "uscc": INSTITUTION_CODE,
            "region": regions["320100"].pk,
            "kind": "organ",
            "active": "on",
        }
    )
    assert not form.is_valid()
    assert [error.code for error in form.errors.as_data()["kind"]] == ["kind_disagrees_with_uscc"]
    assert Department.objects.count() == 0


def test_the_api_refuses_a_kind_that_disagrees_with_the_code(login, nanjing_supervisor, regions):
    before = Department.objects.count()
    response = login(nanjing_supervisor).post(
        "/api/v1/departments/",
        {"name": "南京市审计局", "uscc": ORGAN_CODE, "region": "320100", "kind": "institution"},
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert "kind" in response.json()
    assert "11" in str(response.json()["kind"])
    assert Department.objects.count() == before


def test_the_api_refuses_a_wrong_organisation_code_naming_the_rule(
    login, nanjing_supervisor, regions
):
    first17 = "11320100MB0341033"  # 17th character wrong (GB 11714 wants 2)
    response = login(nanjing_supervisor).post(
        "/api/v1/departments/",
        {"name": "南京市审计局", "uscc": first17 + check_character(first17), "region": "320100"},
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert "GB 11714" in str(response.json()["uscc"])
