/** @odoo-module **/
/* Copyright 2026 AsesórateYa
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */

import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

// A consultant opens a client's contract from the kanban and logs a session
// with the "Log session" button, which fills in the consultant, the date and
// the contract. Data: asesorateya_support/tests/test_portal_tour.py.
registry.category("web_tour.tours").add("asesorateya_support_log_session_tour", {
    test: true,
    url: "/web",
    steps: () => [
        ...stepUtils.goToAppSteps(
            "asesorateya_support.menu_support_root",
            "Open Odoo Support"
        ),
        {
            content: "Open the client's contract",
            trigger: '.o_kanban_record:contains("Tour Client SpA")',
        },
        {
            content: "Log a session",
            trigger: '.o_form_view button[name="action_log_session"]',
        },
        {
            content: "The contract, hence its client, is already filled in",
            trigger: '.o_field_widget[name="partner_id"]:contains("Tour Client SpA")',
            isCheck: true,
        },
        {
            content: "Objective",
            trigger: '.o_field_widget[name="objective"] textarea',
            run: "text Revisar la conciliación bancaria",
        },
        {
            content: "Activity",
            trigger: '.o_field_widget[name="activity"] textarea',
            run: "text Se configuraron dos modelos de conciliación",
        },
        {
            content: "Next steps",
            trigger: '.o_field_widget[name="next_steps"] textarea',
            run: "text Probar con el extracto del mes",
        },
        {
            content: "Save the log",
            trigger: ".o_form_button_save",
        },
        {
            content: "The contract counts the session",
            trigger: 'button[name="action_view_sessions"] .o_stat_value:contains("1")',
            extra_trigger: "body:not(:has(.modal))",
            isCheck: true,
        },
    ],
});
