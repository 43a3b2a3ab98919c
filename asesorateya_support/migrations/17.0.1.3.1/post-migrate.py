# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""17.0.1.3.1: the portal rules compare the client with '=', not 'child_of'.

Every support record belongs to the client company itself (contracts and
claims are held to it, credits are issued to it, the rest follow their
contract): '=' spares the expansion of the client's contacts on every search
of a portal page, and a parent company no longer sees a subsidiary's records.
The rules were loaded with noupdate: the shipped ones are updated here, those
an admin changed are left alone.
"""

from odoo import SUPERUSER_ID, api

#: The portal rules, loaded with noupdate, that now compare the client with '='.
PORTAL_RULES = (
    "support_contract_rule_portal",
    "support_contract_period_rule_portal",
    "support_session_rule_portal",
    "support_project_item_rule_portal",
    "support_cancellation_rule_portal",
    "support_credit_rule_portal",
    "support_claim_rule_portal",
    "support_credit_usage_rule_portal",
)
OLD_PORTAL_DOMAIN = "[('partner_id', 'child_of', [user.commercial_partner_id.id])]"
NEW_PORTAL_DOMAIN = "[('partner_id', '=', user.commercial_partner_id.id)]"


def _update_portal_rules(env):
    """The shipped portal rules, unless an admin changed them."""
    for xmlid in PORTAL_RULES:
        rule = env.ref(f"asesorateya_support.{xmlid}", raise_if_not_found=False)
        if rule and rule.domain_force == OLD_PORTAL_DOMAIN:
            rule.domain_force = NEW_PORTAL_DOMAIN


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    _update_portal_rules(env)
