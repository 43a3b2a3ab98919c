# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from ..formatting import format_percent


class SupportProjectItem(models.Model):
    """A deliverable item of a fixed-price project (agency policy §4.3).

    The project's progress is its items' progress weighted by their weights;
    an item's progress moves in the policy's steps (10%), each step being a
    part of the payment for that item.
    """

    _name = "support.project.item"
    _description = "Project Deliverable Item"
    _order = "contract_id, sequence, id"

    contract_id = fields.Many2one(
        "support.contract",
        required=True,
        index=True,
        ondelete="restrict",
        domain="[('kind', '=', 'project')]",
    )
    company_id = fields.Many2one(related="contract_id.company_id", store=True)
    partner_id = fields.Many2one(related="contract_id.partner_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Item", required=True)
    weight = fields.Float(
        string="Weight (%)",
        required=True,
        help="Share of the project's price this item stands for; the items "
        "of a project weigh 100% in all.",
    )
    progress = fields.Float(
        string="Progress (%)",
        help="In steps of the policy's progress step (10%).",
    )

    _sql_constraints = [
        (
            "weight_range",
            "CHECK(weight > 0 AND weight <= 100)",
            "An item weighs more than 0% and at most 100%.",
        ),
        (
            "progress_range",
            "CHECK(progress >= 0 AND progress <= 100)",
            "An item's progress is between 0% and 100%.",
        ),
    ]

    @api.constrains("progress", "contract_id")
    def _check_progress_step(self):
        for item in self:
            step = item.contract_id.policy_version_id.progress_step_percent or 10
            if not 0 <= item.progress <= 100:
                raise ValidationError(_("An item's progress is between 0% and 100%."))
            # Progress is whole percents; compare in hundredths to avoid float noise.
            if round(item.progress * 100) % (step * 100):
                raise ValidationError(
                    _(
                        "The progress of %(item)s moves in steps of %(step)s%% "
                        "(agency policy §4.3): %(progress)s%% is not one.",
                        item=item.name,
                        step=step,
                        progress=format_percent(item.progress),
                    )
                )

    @api.constrains("contract_id")
    def _check_contract_kind(self):
        for item in self:
            if item.contract_id.kind != "project":
                raise ValidationError(_("Only a project has deliverable items."))

    @api.model_create_multi
    def create(self, vals_list):
        items = super().create(vals_list)
        items.contract_id._check_items_editable(_("Adding items"))
        # An item listed with progress before the start (the project's own
        # create): the quote counts it as work begun all the same (agency
        # §4.2; ``policy.compute_quote``, issue 13, item 3).
        return items

    def write(self, vals):
        if {"weight", "contract_id"} & set(vals):
            self.contract_id._check_items_editable(_("Changing the weights"), True)
        if "progress" in vals:
            self.contract_id._check_items_editable(_("Recording progress"))
            old = {item: item.progress for item in self}
            if vals["progress"]:
                # Recorded progress is work begun (agency policy §4.2, "una
                # vez iniciado el trabajo"): the first progress starts the
                # project, so that no quote ignores it (issue 13, item 3).
                self.contract_id.filtered(lambda c: not c.date_start).action_start()
        result = super().write(vals)
        if "progress" in vals:
            for item in self:
                if old[item] != item.progress:
                    # The progress decides what a cancellation charges: keep its
                    # trail on the contract.
                    item.contract_id.message_post(
                        body=_(
                            "Progress of %(item)s: %(old)s%% → %(new)s%%.",
                            item=item.name,
                            old=format_percent(old[item]),
                            new=format_percent(item.progress),
                        )
                    )
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_started(self):
        self.contract_id._check_items_editable(_("Removing items"), True)
