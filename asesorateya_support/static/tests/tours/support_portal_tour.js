/** @odoo-module **/
/* Copyright 2026 AsesórateYa
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */

import {registry} from "@web/core/registry";

// A portal client opens its monthly retainer, sends the month's priorities,
// reads today's cancellation quote and confirms the cancellation with the
// policy's outcome. Data: asesorateya_support/tests/test_portal_tour.py.
registry.category("web_tour.tours").add("asesorateya_support_portal_tour", {
    test: true,
    url: "/my",
    steps: () => [
        {
            content: "Open Odoo Support from the portal home",
            trigger: 'a[href="/my/support"]',
        },
        {
            content: "Open the monthly retainer",
            trigger: 'tr[data-kind="monthly"] a.o_support_contract_link',
        },
        {
            content: "Write the priorities of the month",
            trigger: '.o_support_priorities_form textarea[name="priorities"]',
            run: "text Cerrar el mes contable y revisar la conciliación bancaria",
        },
        {
            content: "Send them",
            trigger: '.o_support_priorities_form button[type="submit"]',
        },
        {
            content: "The priorities were sent",
            trigger: '.o_support_message:contains("priorities")',
            isCheck: true,
        },
        {
            content: "Ask for the cancellation",
            trigger: "a.o_support_cancel_link",
        },
        {
            content: "Today's quote is shown first",
            trigger: ".o_support_quote .o_support_quote_refundable",
            isCheck: true,
        },
        {
            content: "Keep the policy's outcome",
            trigger: 'input[name="preference"][value="policy"]',
        },
        {
            content: "Say why",
            trigger: 'textarea[name="reason"]',
            run: "text Cambiamos de proveedor de Odoo",
        },
        {
            content: "Confirm",
            trigger: "#cancel_confirm",
        },
        {
            content: "Send the cancellation",
            trigger: ".o_support_cancel_confirm",
        },
        {
            content: "The contract page shows the outcome",
            trigger: ".o_support_message:contains(cancellation), .o_support_cancellation",
            isCheck: true,
        },
        {
            content: "The outcome can be downloaded",
            trigger: ".o_support_cancellation_download",
            isCheck: true,
        },
    ],
});
