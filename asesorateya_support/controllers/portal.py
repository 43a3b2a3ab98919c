# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The client portal of the support services (/my/support).

The routes check who may see or ask what, read the forms and render; what a
client sees (domains) and what its requests do live on the models
(``support.contract._get_portal_domain``, ``action_submit_priorities``,
``action_send_case``, ``action_portal_cancel``, ``support.claim.create``).

Reading a contract or a claim works with a login of the client's company or
with the record's access token (email links). Asking something in the
client's name (priorities, case, cancellation, claim) needs a login of the
client's company.
"""

import uuid

from odoo import _, fields, http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

#: Session logs per page of a contract.
SESSIONS_PER_PAGE = 50
#: Report types a client may download.
REPORT_TYPES = ("html", "pdf")
#: The reports of the portal.
STATEMENT_REPORT = "asesorateya_support.action_report_support_contract_statement"
CANCELLATION_REPORT = "asesorateya_support.action_report_support_cancellation"
#: Where the portal keeps the contracts last listed (record pager).
CONTRACTS_HISTORY = "my_support_contracts_history"


def _fetch_field_names(model):
    """The fields the ORM reads in one query when a page reads one of them:
    the stored columns of the default prefetch group, but those of groups the
    user is not in.

    ``search_fetch`` with them searches and reads in a single query what the
    page would otherwise read in a second one.
    """
    return [
        name
        for name, field in model._fields.items()
        if field.store
        and field.column_type
        and field.prefetch is True
        and not (field.groups and not model.user_has_groups(field.groups))
    ]


class SupportCustomerPortal(CustomerPortal):
    # ------------------------------------------------------------------
    # Home (/my)
    # ------------------------------------------------------------------
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "support_contract_count" in counters:
            Contract = request.env["support.contract"]
            values["support_contract_count"] = (
                Contract.search_count(Contract._get_portal_domain())
                if Contract.check_access_rights("read", raise_exception=False)
                else 0
            )
        return values

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def _support_check_contract(self, contract_id, access_token=None, prefetch=()):
        """The contract, as the superuser, if the visitor may read it.

        A user the record rules let read the contract gets it from one query
        that checks the rules and reads the contract; any other visitor goes
        through ``_document_check_access`` (an access token).

        :param prefetch: ids of other contracts to read in the same query if
            the user may read them (the neighbours of the record pager)
        :raise AccessError: no read access and no valid token
        :raise MissingError: no such contract, or a draft
        """
        Contract = request.env["support.contract"]
        contract = Contract
        if Contract.check_access_rights("read", raise_exception=False):
            contract = Contract.search_fetch(
                [("id", "in", [contract_id, *prefetch])],
                _fetch_field_names(Contract),
            ).filtered(lambda record: record.id == contract_id)
        if contract:
            contract_sudo = contract.sudo()
        else:
            contract_sudo = self._document_check_access(
                "support.contract", contract_id, access_token=access_token
            )
        if contract_sudo.state == "draft":
            raise MissingError(_("This document does not exist."))
        return contract_sudo

    def _support_check_client(self, contract_id):
        """The contract, in sudo mode as the user, if it acts for the client.

        A token is not enough to act: the record rules must let the user read
        the contract, and the user must belong to the client's company. The
        record keeps the user (not the superuser ``_document_check_access``
        gives) so that what the request does is signed by the client: the
        author of the messages, who asked for a cancellation.

        :raise AccessError: otherwise
        """
        contract_sudo = self._support_check_contract(contract_id)
        if not contract_sudo._is_portal_client(request.env.user):
            raise AccessError(_("Only the client can make this request."))
        return request.env["support.contract"].sudo().browse(contract_sudo.id)

    @staticmethod
    def _support_pager_neighbours(contract_id):
        """Ids of the contracts before and after ``contract_id`` in the list
        the user saw last: the record pager links to them."""
        history = request.session.get(CONTRACTS_HISTORY) or []
        if contract_id not in history:
            return []
        index = history.index(contract_id)
        return history[max(index - 1, 0) : index] + history[index + 1 : index + 2]

    @staticmethod
    def _support_error_text(error):
        return error.args[0] if error.args else str(error)

    @staticmethod
    def _support_submit_once(key, action):
        """Do what a portal form asks once per form (its ``submission_key``).

        The key is recorded in the same savepoint as what ``action`` does:
        a refused request (``UserError``) leaves it free for the corrected
        form. See ``support.portal.submission``.

        :param key: the form's ``submission_key``
        :param action: a function doing the request, returning its record
        :return: ``(done, record)``: ``done`` is False when the form was
            submitted before, ``record`` what the first submission made
        """
        Submission = request.env["support.portal.submission"].sudo()
        user = request.env.user
        with request.env.cr.savepoint():
            submission = Submission._register_key(key, user)
            if submission is None:
                return False, Submission._find_result(key, user)
            record = action()
            submission._set_result(record)
        return True, record

    @staticmethod
    def _support_new_submission_key():
        """The key of a form being shown (``_support_submit_once``)."""
        return uuid.uuid4().hex

    # ------------------------------------------------------------------
    # Contracts list (/my/support)
    # ------------------------------------------------------------------
    def _support_get_searchbar_sortings(self):
        return {
            "date": {"label": _("Newest"), "order": "date_purchase desc, id desc"},
            "name": {"label": _("Reference"), "order": "name asc, id asc"},
            "state": {
                "label": _("Status"),
                "order": "state asc, date_purchase desc, id desc",
            },
        }

    def _prepare_support_contracts_values(self, page=1, sortby=None):
        """Values of /my/support: the contracts of a page, credits and claims.

        The searches run as the user (record rules) with the model's portal
        domains; the records found are rendered as the superuser, so that a
        plan, a consultant or a cycle never hides a page.
        """
        Contract = request.env["support.contract"]
        Credit = request.env["support.credit"]
        Claim = request.env["support.claim"]
        domain = Contract._get_portal_domain()
        sortings = self._support_get_searchbar_sortings()
        if sortby not in sortings:
            sortby = "date"
        step = self._items_per_page
        page = int(page) if str(page).isdigit() else 1

        def search_page(offset):
            return Contract.search_fetch(
                domain,
                _fetch_field_names(Contract),
                order=sortings[sortby]["order"],
                limit=step,
                offset=offset,
            )

        # A first page that is not full holds them all: most clients have a
        # single page, and it needs no count.
        contracts = search_page(0) if page <= 1 else None
        if contracts is not None and len(contracts) < step:
            total = len(contracts)
        else:
            total = Contract.search_count(domain)
        pager = portal_pager(
            url="/my/support",
            url_args={"sortby": sortby},
            total=total,
            page=page,
            step=step,
        )
        if contracts is None:
            contracts = search_page(pager["offset"])
        request.session[CONTRACTS_HISTORY] = contracts.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "support",
                "default_url": "/my/support",
                "contracts": contracts.sudo(),
                "credits": Credit.search_fetch(
                    Credit._get_portal_domain(), _fetch_field_names(Credit)
                ).sudo(),
                "claims": Claim.search_fetch(
                    Claim._get_portal_domain(), _fetch_field_names(Claim)
                ).sudo(),
                "pager": pager,
                "searchbar_sortings": sortings,
                "sortby": sortby,
                # A client without a contract sees what it can buy.
                "shop_plans": request.env["support.plan"]._get_shop_plans(
                    request.env.company
                )
                if not total
                else request.env["support.plan"],
            }
        )
        return values

    @http.route(
        ["/my/support", "/my/support/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def portal_my_support(self, page=1, sortby=None, **kw):
        values = self._prepare_support_contracts_values(page, sortby)
        return request.render("asesorateya_support.portal_my_support", values)

    # ------------------------------------------------------------------
    # Contract page (/my/support/<id>)
    # ------------------------------------------------------------------
    def _prepare_support_contract_values(
        self, contract_sudo, access_token=None, page=1, **kw
    ):
        """Values of a contract's page: summary, logs of a page, cycles,
        notices, cancellation, and which requests the visitor may make."""
        Session = request.env["support.session"].sudo()
        session_fields = _fetch_field_names(Session)
        domain = contract_sudo._get_portal_session_domain()
        session_count, may_have_notices = contract_sudo._get_portal_session_summary()
        pager = portal_pager(
            url=f"/my/support/{contract_sudo.id}",
            url_args={"access_token": access_token} if access_token else None,
            total=session_count,
            page=page,
            step=SESSIONS_PER_PAGE,
        )
        notice_sessions = Session
        if may_have_notices:
            notice_sessions = Session.search_fetch(
                contract_sudo._get_portal_notice_session_domain(), session_fields
            )
        is_client = contract_sudo._is_portal_client(request.env.user)
        # Only monthly retainers run in cycles: the other pages need not look.
        periods = current_period = request.env["support.contract.period"].sudo()
        if contract_sudo.kind == "monthly":
            periods = contract_sudo.period_ids
            current_period = contract_sudo.current_period_id
        sessions = Session.search_fetch(
            domain, session_fields, limit=SESSIONS_PER_PAGE, offset=pager["offset"]
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "support_contract",
                "contract": contract_sudo,
                # The browser tab's title (else the view's untranslated name).
                "additional_title": contract_sudo.name,
                "sessions": sessions,
                # Formatted once for the page, not by t-field on each log.
                "session_rows": sessions._get_portal_log_rows(),
                "session_count": session_count,
                "pager": pager,
                "notice_sessions": notice_sessions,
                "periods": periods.sorted("date_start", reverse=True),
                "current_period": current_period,
                "cancellation": contract_sudo.cancellation_ids[:1],
                "is_client": is_client,
                "can_submit_priorities": is_client
                and contract_sudo._portal_can_submit_priorities(),
                "can_send_case": is_client and contract_sudo._portal_can_send_case(),
                "can_cancel": is_client and contract_sudo._portal_can_cancel(),
                "can_claim": is_client,
                "priorities": kw.get("priorities", current_period.priorities or ""),
                "case_description": kw.get("case_description", ""),
                "message": kw.get("message"),
                "error_message": kw.get("error_message"),
                "error_form": kw.get("error_form"),
                "submission_key": self._support_new_submission_key(),
            }
        )
        return self._get_page_view_values(
            contract_sudo, access_token, values, CONTRACTS_HISTORY, False
        )

    def _support_render_contract(self, contract_sudo, **kw):
        values = self._prepare_support_contract_values(contract_sudo, **kw)
        return request.render(
            "asesorateya_support.portal_support_contract_page", values
        )

    @http.route(
        [
            "/my/support/<int:contract_id>",
            "/my/support/<int:contract_id>/page/<int:page>",
        ],
        type="http",
        auth="public",
        website=True,
    )
    def portal_my_support_contract(
        self,
        contract_id,
        access_token=None,
        report_type=None,
        download=False,
        page=1,
        message=None,
        **kw,
    ):
        try:
            contract_sudo = self._support_check_contract(
                contract_id,
                access_token,
                prefetch=self._support_pager_neighbours(contract_id),
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        if report_type in REPORT_TYPES:
            return self._show_report(
                model=contract_sudo,
                report_type=report_type,
                report_ref=STATEMENT_REPORT,
                download=download in ("1", "true", "True", True),
            )
        return self._support_render_contract(
            contract_sudo, access_token=access_token, page=page, message=message
        )

    @http.route(
        "/my/support/<int:contract_id>/cancellation",
        type="http",
        auth="public",
        website=True,
    )
    def portal_support_cancellation_report(
        self, contract_id, access_token=None, report_type="pdf", download=False, **kw
    ):
        """The outcome of the contract's cancellation, as a document."""
        try:
            contract_sudo = self._support_check_contract(contract_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        cancellation = contract_sudo.cancellation_ids[:1]
        if not cancellation:
            return request.redirect(contract_sudo.get_portal_url())
        return self._show_report(
            model=cancellation,
            report_type=report_type if report_type in REPORT_TYPES else "pdf",
            report_ref=CANCELLATION_REPORT,
            download=download in ("1", "true", "True", True),
        )

    # ------------------------------------------------------------------
    # Requests on a contract
    # ------------------------------------------------------------------
    @http.route(
        "/my/support/<int:contract_id>/priorities",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_support_priorities(self, contract_id, priorities=None, **kw):
        """The month's priorities of a monthly retainer (policy §9)."""
        try:
            contract_sudo = self._support_check_client(contract_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        try:
            self._support_submit_once(
                kw.get("submission_key"),
                lambda: contract_sudo.action_submit_priorities(priorities),
            )
        except UserError as error:
            return self._support_render_contract(
                contract_sudo,
                priorities=priorities or "",
                error_message=self._support_error_text(error),
                error_form="priorities",
            )
        return request.redirect(f"{contract_sudo.access_url}?message=priorities")

    @http.route(
        "/my/support/<int:contract_id>/case",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_support_case(self, contract_id, description=None, **kw):
        """The case description and its evidence, before the session (§2, §9)."""
        try:
            contract_sudo = self._support_check_client(contract_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        attachments = [
            (upload.filename, upload.read())
            for upload in request.httprequest.files.getlist("attachments")
            if upload.filename
        ]
        try:
            self._support_submit_once(
                kw.get("submission_key"),
                lambda: contract_sudo.action_send_case(description, attachments),
            )
        except UserError as error:
            return self._support_render_contract(
                contract_sudo,
                case_description=description or "",
                error_message=self._support_error_text(error),
                error_form="case",
            )
        return request.redirect(f"{contract_sudo.access_url}?message=case")

    @http.route(
        "/my/support/<int:contract_id>/additional_bag",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_support_additional_bag(self, contract_id, **kw):
        """An additional bag on the same validated scope (§6): its quotation,
        to sign and pay online."""
        try:
            contract_sudo = self._support_check_client(contract_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        try:
            _done, order = self._support_submit_once(
                kw.get("submission_key"),
                contract_sudo.action_portal_ask_additional_bag,
            )
        except UserError as error:
            return self._support_render_contract(
                contract_sudo,
                error_message=self._support_error_text(error),
                error_form="additional_bag",
            )
        order = order or contract_sudo._get_additional_bag_quotation()
        if not order:
            return request.redirect(contract_sudo.access_url)
        return request.redirect(order.get_portal_url())

    @http.route(
        "/my/support/<int:contract_id>/cancel",
        type="http",
        auth="user",
        methods=["GET", "POST"],
        website=True,
    )
    def portal_support_cancel(
        self, contract_id, preference=None, reason=None, confirm=None, **kw
    ):
        """Today's cancellation quote, then the client's confirmation (§10)."""
        try:
            contract_sudo = self._support_check_client(contract_id)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if not contract_sudo._portal_can_cancel():
            return request.redirect(contract_sudo.access_url)
        error_message = None
        if request.httprequest.method == "POST":
            if not confirm:
                error_message = _("Tick the box to confirm the cancellation.")
            else:
                try:
                    with request.env.cr.savepoint():
                        contract_sudo.action_portal_cancel(preference, reason)
                except UserError as error:
                    error_message = self._support_error_text(error)
                else:
                    return request.redirect(
                        f"{contract_sudo.access_url}?message=cancelled"
                    )
        quote, choices, quote_error = None, [], None
        try:
            quote = contract_sudo.cancellation_quote()
            choices = contract_sudo._get_cancellation_choices(quote)
        except UserError as error:
            quote_error = self._support_error_text(error)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "support_cancel",
                "contract": contract_sudo,
                "quote": quote,
                "quote_date": contract_sudo.company_id._support_today(),
                "quote_error": quote_error,
                "choices": choices,
                "preference": preference or (choices and choices[0][0]),
                "reason": reason or "",
                "error_message": error_message,
            }
        )
        return request.render("asesorateya_support.portal_support_cancel", values)

    # ------------------------------------------------------------------
    # Claims (agency policy §7)
    # ------------------------------------------------------------------
    def _support_parse_claim_form(self, contracts, claim_types, post):
        """Claim values from the form; the contract among the user's own.

        :raise UserError: on a contract or type the user cannot choose, or a
            bad date
        """
        contract = request.env["support.contract"]
        if post.get("contract_id"):
            contract = contracts.filtered(
                lambda c: str(c.id) == str(post["contract_id"])
            )
            if not contract:
                raise UserError(_("Choose one of your contracts."))
        try:
            contract_date = fields.Date.to_date(post.get("contract_date") or None)
        except ValueError as error:
            raise UserError(_("Write the contract date as a date.")) from error
        claim_type = post.get("claim_type") or "review"
        if claim_type not in dict(claim_types):
            raise UserError(_("Choose the kind of request."))
        return {
            "partner_id": request.env.user.partner_id.commercial_partner_id.id,
            "company_id": (contract.company_id or request.env.company).id,
            "contract_id": contract.id,
            "claim_type": claim_type,
            "document_reference": (post.get("document_reference") or "").strip(),
            "contract_date": contract_date,
            "reasons": post.get("reasons") or "",
        }

    @http.route(
        "/my/support/claims/new",
        type="http",
        auth="user",
        methods=["GET", "POST"],
        website=True,
    )
    def portal_support_claim_new(self, **post):
        """A written claim, review or refund request with what §7.1 asks."""
        if not request.env.user.share:
            # Claims are the clients'; the consultancy records its own in the
            # backend.
            return request.redirect("/my")
        Contract = request.env["support.contract"]
        contracts = Contract.search(Contract._get_portal_domain()).sudo()
        Claim = request.env["support.claim"].sudo()
        claim_types = Claim._get_portal_claim_types(contracts)
        error_message = None
        if request.httprequest.method == "POST":
            try:
                vals = self._support_parse_claim_form(contracts, claim_types, post)
                _done, claim = self._support_submit_once(
                    post.get("submission_key"), lambda: Claim.create(vals)
                )
            except UserError as error:
                error_message = self._support_error_text(error)
            else:
                # A second submission of the form shows the first one's claim.
                if not claim:
                    return request.redirect("/my/support")
                return request.redirect(f"{claim.access_url}?message=claim")
        else:
            contract = contracts.filtered(
                lambda c: str(c.id) == str(post.get("contract_id"))
            )
            if contract:
                post = dict(contract._get_claim_prefill(), **post)
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "support_claim",
                "claim": Claim,
                "contracts": contracts,
                "claim_types": claim_types,
                "form": post,
                "error_message": error_message,
                "submission_key": self._support_new_submission_key(),
            }
        )
        return request.render("asesorateya_support.portal_support_claim_form", values)

    @http.route(
        "/my/support/claims/<int:claim_id>",
        type="http",
        auth="public",
        website=True,
    )
    def portal_support_claim(self, claim_id, access_token=None, message=None, **kw):
        try:
            claim_sudo = self._document_check_access(
                "support.claim", claim_id, access_token=access_token
            )
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        values.update(
            {"page_name": "support_claim", "claim": claim_sudo, "message": message}
        )
        values = self._get_page_view_values(
            claim_sudo, access_token, values, "my_support_claims_history", False
        )
        return request.render("asesorateya_support.portal_support_claim_page", values)
