# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..policy import credit_expiry


class SupportCredit(models.Model):
    """A credit in the client's favour (support policy §5, §10).

    Issued by a cancellation (the unused balance) or by converting a
    diagnosis or incident into a larger service; spent on later orders,
    oldest expiry first, until it runs out or expires.
    """

    _name = "support.credit"
    _description = "Client Credit"
    _inherit = ["mail.thread"]
    _order = "date_expiry, id"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/"
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Client",
        required=True,
        readonly=True,
        index=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    amount = fields.Monetary(
        required=True, readonly=True, help="The credit issued, IVA included."
    )
    amount_remaining = fields.Monetary(
        compute="_compute_amount_remaining",
        store=True,
        help="What is left to spend.",
    )
    origin = fields.Selection(
        [
            ("cancellation", "Cancellation"),
            ("conversion", "Conversion to a larger service"),
        ],
        required=True,
        readonly=True,
    )
    contract_id = fields.Many2one(
        "support.contract",
        string="From contract",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
        check_company=True,
    )
    cancellation_id = fields.Many2one(
        "support.cancellation",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    date_issue = fields.Date(
        string="Issued on", required=True, readonly=True, default=fields.Date.today
    )
    date_expiry = fields.Date(string="Valid until", required=True, readonly=True)
    state = fields.Selection(
        [("available", "Available"), ("used", "Used"), ("expired", "Expired")],
        default="available",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )

    _sql_constraints = [
        ("amount_positive", "CHECK(amount > 0)", "A credit is a positive amount."),
        (
            "expiry_after_issue",
            "CHECK(date_expiry >= date_issue)",
            "A credit expires after it is issued.",
        ),
    ]

    @api.depends("amount")
    def _compute_amount_remaining(self):
        for credit in self:
            credit.amount_remaining = credit.amount

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code(
                    "support.credit"
                ) or _("New")
        return super().create(vals_list)

    def write(self, vals):
        frozen = {"amount", "partner_id", "date_issue", "date_expiry", "origin"}
        if frozen & set(vals) and not self.env.su:
            raise UserError(
                _("A credit is never changed: cancel its use or issue a new one.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(_("Credits are part of the client's history: never deleted."))

    @api.model
    def _issue(self, partner, amount, origin, date, version, **values):
        """Issue a credit of ``amount`` to ``partner`` from ``date``.

        :param version: the ``support.policy.version`` whose validity applies
        :return: the new ``support.credit``
        """
        vals = {
            "partner_id": partner.commercial_partner_id.id,
            "amount": amount,
            "origin": origin,
            "date_issue": date,
            "date_expiry": credit_expiry(date, version.credit_validity_months),
        }
        vals.update(values)
        credit = self.sudo().create(vals)
        credit.message_subscribe(partner_ids=credit.partner_id.ids)
        return credit.sudo(self.env.su)
