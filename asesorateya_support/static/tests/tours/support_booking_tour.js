/** @odoo-module **/
/* Copyright 2026 AsesórateYa
 * License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
 */

import {registry} from "@web/core/registry";

// A client opens the link of its confirmation email (no login: the
// contract's access token), in Spanish: books the first free time,
// reschedules it to the last one of the week, then cancels it.
// Data: asesorateya_support/tests/test_booking_tour.py.
registry.category("web_tour.tours").add("asesorateya_support_booking_tour", {
    test: true,
    steps: () => [
        {
            content: "The booking page, in Spanish",
            trigger: '.o_support_booking_page h3:contains("Agendar una sesión")',
            isCheck: true,
        },
        {
            content: "Times in the client's time zone",
            trigger: '.o_support_booking_tz_name:contains("America/Santiago")',
            isCheck: true,
        },
        {
            content: "Before the session, the case (§9)",
            trigger: '.o_support_booking_case:contains("envíenos su caso")',
            isCheck: true,
        },
        {
            content: "One click books the first free time",
            trigger: ".o_support_booking_form button.o_support_booking_slot:first",
        },
        {
            content: "Booked",
            trigger: '.o_support_message:contains("Su sesión quedó agendada")',
            isCheck: true,
        },
        {
            content: "The session is listed, with its video call",
            trigger: '.o_support_booking_item a:contains("Entrar a la videollamada")',
            isCheck: true,
        },
        {
            content: "Reschedule it",
            trigger: ".o_support_booking_reschedule",
        },
        {
            content: "Choose the last free time of the week",
            trigger: 'h3:contains("Reagende su sesión")',
            run() {
                const slots = document.querySelectorAll(
                    ".o_support_booking_form button.o_support_booking_slot"
                );
                slots[slots.length - 1].click();
            },
        },
        {
            content: "Moved",
            trigger: '.o_support_message:contains("cambió de horario")',
            isCheck: true,
        },
        {
            content: "Open the cancellation",
            trigger: ".o_support_booking_cancel summary",
        },
        {
            content: "Say why",
            trigger: '.o_support_booking_cancel textarea[name="reason"]',
            run: "text Se resolvió el problema",
        },
        {
            content: "Cancel the session",
            trigger: ".o_support_booking_cancel_confirm",
        },
        {
            content: "Cancelled",
            trigger: '.o_support_message:contains("fue cancelada")',
            isCheck: true,
        },
        {
            content: "Listed among the earlier sessions",
            trigger: ".o_support_booking_history li:contains('Sesión cancelada')",
            isCheck: true,
        },
    ],
});
