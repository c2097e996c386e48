"""link_base: a list's link to each row made from one url_for per page."""
from __future__ import annotations

import pytest
from flask import url_for

from beh_core.views.template_helpers import link_base


def test_radens_länk_är_densamma_som_url_for_ger(app):
    with app.test_request_context("/"):
        assert link_base("orders.show", number="_") + "c100057" == url_for("orders.show", number="c100057")
        assert link_base("attest.order", number="_") + "c9" == url_for("attest.order", number="c9")
        assert link_base("leavers.show", engagement_id=0) + "4711" == url_for("leavers.show", engagement_id=4711)


def test_ett_värde_som_inte_står_sist_i_adressen_vägras(app):
    with app.test_request_context("/"):
        with pytest.raises(ValueError, match="not the last part"):
            link_base("feedback.confirm_withdraw", number="_")
