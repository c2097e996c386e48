"""A list's grid of values goes to PostgreSQL as one array literal per column (keyset.array_literal), not as
a list the driver dumps element by element: every value must read back as itself."""
from __future__ import annotations

import pytest
from sqlalchemy import Integer, Text, bindparam, cast, select
from sqlalchemy.dialects.postgresql import ARRAY

from beh_core.services.keyset import array_literal


def test_heltal_blir_en_kort_lista():
    assert array_literal([1, 7, 30]) == "{1,7,30}" and array_literal([]) == "{}"


@pytest.mark.parametrize("values, element", [
    ([1, 7, 30], Integer()),
    (["avslutad", "vantar_pa_attest", 'ett "citat"', "back\\slash", "komma, och {klammer}", "NULL", "", " ", "å"],
     Text()),
    (["a", None, "b"], Text()),
    ([3, None], Integer()),
])
def test_varje_värde_läses_tillbaka_som_sig_självt_i_postgresql(region, values, element):
    if region.get_bind().dialect.name != "postgresql":
        pytest.skip("the grids are PostgreSQL's (SQLite gets one arm per row of values)")
    read = region.scalar(select(cast(bindparam("p", array_literal(values), type_=Text), ARRAY(element))))
    assert read == values
