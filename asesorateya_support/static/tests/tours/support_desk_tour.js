/** @odoo-module **/
/* Copyright 2026 AsesórateYa
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl). */

import {registry} from "@web/core/registry";

// A consultant reads a project's progress, not hours, on the contracts'
// kanban and list, and the quick log shows one line per log with the client
// beside each contract. Data: asesorateya_support/tests/test_portal_tour.py.
// One tour per view: each starts on its action.
registry.category("web_tour.tours").add("asesorateya_support_desk_kanban_tour", {
    test: true,
    url: "/web#action=asesorateya_support.support_contract_action",
    steps: () => [
        {
            content: "The project's card tells its progress",
            trigger:
                '.o_kanban_record:contains("Tour Project SpA"):contains("50 % done"):has(.o_progressbar)',
            isCheck: true,
        },
        {
            content: "... and no hours",
            trigger: '.o_kanban_record:contains("Tour Project SpA"):not(:contains(" h"))',
            isCheck: true,
        },
        {
            content: "An hour bag's card still tells its hours",
            trigger: '.o_kanban_record:contains("Tour Client SpA"):contains("/ 10:00 h")',
            isCheck: true,
        },
    ],
});

registry.category("web_tour.tours").add("asesorateya_support_desk_list_tour", {
    test: true,
    url: "/web#action=asesorateya_support.support_contract_action&view_type=list",
    steps: () => [
        {
            content: "The project's row shows its progress, not hours",
            trigger:
                '.o_data_row:contains("Tour Project SpA") td[name="project_progress"]:contains("50")',
            run() {
                const row = this.$anchor[0].closest(".o_data_row");
                const hours = row.querySelector('td[name="hours_included"]');
                if (hours && hours.textContent.trim()) {
                    throw new Error(`A project's row shows hours: ${hours.textContent}`);
                }
            },
        },
        {
            content: "An hour bag's row shows its hours",
            trigger:
                '.o_data_row:contains("Tour Client SpA") td[name="hours_included"]:contains("10:00")',
            isCheck: true,
        },
    ],
});

registry.category("web_tour.tours").add("asesorateya_support_quick_log_tour", {
    test: true,
    url: "/web#action=asesorateya_support.support_session_action_quick",
    steps: () => [
        {
            content: "One line per log, the client beside its contract",
            trigger:
                '.o_data_row:contains("Tour Client SpA · "):contains("Revisar la conciliación")',
            run() {
                const row = this.$anchor[0];
                const line = row.querySelector('td[name="date"]').offsetHeight;
                if (row.offsetHeight > 1.5 * line + 1) {
                    throw new Error(
                        `A log takes ${row.offsetHeight}px, a line ${line}px`
                    );
                }
            },
        },
        {
            content: "Short headers are not cut",
            trigger: 'th[data-name="duration"]',
            run() {
                const label = this.$anchor[0].querySelector("span");
                if (!label || label.scrollWidth > label.clientWidth) {
                    throw new Error("The header of the time is cut");
                }
            },
        },
    ],
});
