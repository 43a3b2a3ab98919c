/** @odoo-module **/
/* Copyright 2026 AsesórateYa
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */

import {registry} from "@web/core/registry";

// A client whose hours run low asks for an additional bag from its contract
// page (policy §6), lands on the quotation to sign and pay, and finds it on
// the contract page again. Data: asesorateya_support/tests/test_portal_tour.py.
registry.category("web_tour.tours").add("asesorateya_support_additional_bag_tour", {
    test: true,
    url: "/my/support",
    steps: () => [
        {
            content: "Open the hour bag",
            trigger: 'tr[data-kind="hour_bag"] a.o_support_contract_link',
        },
        {
            content: "The hours run low: ask for an additional bag",
            trigger: ".o_support_additional_bag_form button.o_support_additional_bag_button",
        },
        {
            content: "The quotation of the bag, to sign and pay online",
            trigger: "#quote_content, .o_portal_sale_sidebar",
            isCheck: true,
        },
        {
            content: "Back to the support contracts",
            trigger: "body",
            run: function () {
                window.location.href = "/my/support";
            },
        },
        {
            content: "Open the hour bag again",
            trigger: 'tr[data-kind="hour_bag"] a.o_support_contract_link',
        },
        {
            content: "The quotation waits there for its signature",
            trigger: "a.o_support_additional_bag_link",
            isCheck: true,
        },
    ],
});
