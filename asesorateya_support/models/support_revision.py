# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..formatting import format_money


class SupportRevision(models.Model):
    """A round of adjustments or corrections of a project (agency policy §5.3).

    The proposal includes a number of rounds (the policy version's); once
    they are used, each further round is billed at the version's price, IVA
    included, as a line of the project's sale order (or of a new quotation
    when the project has no order to add it to). Rounds are numbered per
    project, never renumbered, never deleted.
    """

    _name = "support.revision"
    _description = "Revision Round"
    _order = "contract_id, number desc"
    _check_company_auto = True

    contract_id = fields.Many2one(
        "support.contract",
        string="Project",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
        domain="[('kind', '=', 'project')]",
    )
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    partner_id = fields.Many2one(related="contract_id.partner_id", store=True)
    currency_id = fields.Many2one(related="contract_id.currency_id")
    number = fields.Integer(
        string="Round", readonly=True, copy=False, help="1 for the first round."
    )
    date = fields.Date(
        required=True,
        default=lambda self: self.env["res.company"]._support_default_today(),
    )
    description = fields.Text(
        required=True, help="The adjustments or corrections of the round."
    )
    user_id = fields.Many2one(
        "res.users",
        string="Recorded by",
        readonly=True,
        default=lambda self: self.env.user,
    )
    is_extra = fields.Boolean(
        string="Extra round",
        readonly=True,
        copy=False,
        help="Beyond the rounds the proposal includes: billed (agency policy "
        "§5.3). Decided when the round is recorded.",
    )
    price = fields.Monetary(
        string="Price billed",
        readonly=True,
        copy=False,
        help="IVA included.",
    )
    sale_line_id = fields.Many2one(
        "sale.order.line",
        string="Sale order line",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="restrict",
    )
    sale_order_id = fields.Many2one(
        related="sale_line_id.order_id", string="Sale order"
    )

    _sql_constraints = [
        (
            "number_uniq",
            "unique(contract_id, number)",
            "A project has one revision round per number.",
        ),
    ]

    @api.depends("contract_id.name", "number")
    def _compute_display_name(self):
        for revision in self:
            revision.display_name = _(
                "Round %(number)s of %(project)s",
                number=revision.number,
                project=revision.contract_id.name,
            )

    @api.model_create_multi
    def create(self, vals_list):
        numbers = {}
        for vals in vals_list:
            contract = self.env["support.contract"].browse(vals.get("contract_id"))
            contract._check_takes_revisions()
            if contract.id not in numbers:
                # Serialise two rounds of one project recorded at once.
                contract._lock_for_consumption()
                last = self.sudo().search(
                    [("contract_id", "=", contract.id)], order="number desc", limit=1
                )
                numbers[contract.id] = last.number
            numbers[contract.id] += 1
            vals.update(contract._prepare_revision_values(numbers[contract.id]))
        revisions = super().create(vals_list)
        for revision in revisions.filtered("is_extra"):
            version = revision.contract_id.policy_version_id
            revision.contract_id.message_post(
                body=_(
                    "Revision round %(number)s exceeds the %(included)s rounds "
                    "included (agency policy §5.3): %(price)s billed on "
                    "%(order)s.",
                    number=revision.number,
                    included=version.revision_rounds_included,
                    price=format_money(self.env, revision.price, revision.currency_id),
                    order=revision.sudo().sale_order_id.name,
                )
            )
        return revisions

    def write(self, vals):
        frozen = {"contract_id", "number", "is_extra", "price", "sale_line_id"}
        if frozen & set(vals):
            raise UserError(
                _(
                    "The project, number and billing of a revision round never "
                    "change: record a new round."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            _("A revision round is part of the project's history: never deleted.")
        )
