# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from datetime import date, timedelta

import pytz
from freezegun import freeze_time

from odoo.exceptions import RedirectWarning, UserError
from odoo.tests import Form, tagged
from odoo.tests.common import TransactionCase, new_test_user

from ..const import DEMO_COMPANY_XMLID
from .common import GROUP_CONSULTANT, SupportCommon

DEMO_CONSULTANT_XMLID = "asesorateya_support.user_consultor"


@tagged("post_install", "-at_install")
@freeze_time("2026-02-10 12:00:00")
class TestSupportTimesheet(SupportCommon):
    """Each session log is a timesheet line (hr_timesheet, sale_timesheet),
    and keeps the log's guarantees from whichever screen (policy §4, §11)."""

    def setUp(self):
        super().setUp()
        self.bag = self._sell(self.plan_bag, date="2026-02-02")

    def _plain_timesheet(self, user=None, **values):
        """A timesheet line of another project, as a consultant logs it."""
        project = self.env["project.project"].create(
            {"name": "Internal", "company_id": self.company.id}
        )
        vals = {
            "project_id": project.id,
            "name": "Training",
            "unit_amount": 2.0,
            "date": "2026-02-09",
        }
        vals.update(values)
        return (
            self.env["account.analytic.line"]
            .with_user(user or self.user_consultant)
            .create(vals)
        )

    def test_log_is_a_timesheet_line(self):
        session = self._log(self.bag, 1.5, date="2026-02-05", objective="Invoices")
        line = session.timesheet_id
        self.assertTrue(line.is_support_log)
        self.assertEqual(line.employee_id, self.employee_consultant)
        self.assertEqual(line.user_id, self.user_consultant)
        self.assertEqual(line.date, date(2026, 2, 5))
        self.assertEqual(line.unit_amount, 1.5)
        self.assertEqual(line.name, "Invoices")
        self.assertEqual(line.company_id, self.company)
        self.assertEqual(line.so_line, self.bag.sale_line_id)
        # The client's support project, the contract's task.
        project = line.project_id
        self.assertEqual(project.support_client_id, self.client_a)
        self.assertEqual(project.partner_id, self.client_a)
        self.assertTrue(project.allow_timesheets)
        self.assertEqual(line.task_id, self.bag.timesheet_task_id)
        self.assertEqual(line.task_id.support_contract_id, self.bag)
        self.assertEqual(line.task_id.allocated_hours, 10.0)
        self.assertEqual(session.employee_id, self.employee_consultant)
        self.assertEqual(session.project_id, project)
        self.assertEqual(line.support_session_ids, session)
        # The employee's cost, as any timesheet.
        self.employee_consultant.hourly_cost = 20000
        second = self._log(self.bag, 2.0)
        self.assertEqual(second.timesheet_id.amount, -40000)
        # One project per client, one task per contract.
        bag_2 = self._sell(self.plan_bag, date="2026-02-03")
        third = self._log(bag_2, 1.0)
        self.assertEqual(third.project_id, project)
        self.assertNotEqual(third.task_id, session.task_id)
        other = self._log(self._sell(self.plan_bag, self.client_b), 1.0)
        self.assertNotEqual(other.project_id, project)
        self.assertEqual(other.project_id.support_client_id, self.client_b)
        # The task's hours are the contract's.
        self.assertEqual(session.task_id.effective_hours, self.bag.hours_used)
        self.assertEqual(
            sum(self.bag.session_ids.timesheet_id.mapped("unit_amount")),
            self.bag.hours_used,
        )
        # Timesheets of the employee show it.
        self.assertEqual(
            self.env["account.analytic.line"]
            .with_user(self.user_consultant)
            .search([("employee_id", "=", self.employee_consultant.id)]),
            (session | second | third | other).timesheet_id,
        )

    def test_correction_is_a_new_timesheet_line(self):
        session = self._log(self.bag, 3.0, date="2026-02-05")
        # A manager corrects: the time is still the consultant's.
        correction = session.with_user(self.user_manager).action_correct(
            2.0, "Typed 3 h instead of 2 h"
        )
        self.assertNotEqual(correction.timesheet_id, session.timesheet_id)
        self.assertEqual(session.timesheet_id.unit_amount, 3.0, "kept")
        self.assertEqual(correction.timesheet_id.unit_amount, -1.0)
        self.assertEqual(correction.timesheet_id.employee_id, self.employee_consultant)
        self.assertEqual(correction.timesheet_id.date, date(2026, 2, 5))
        self.assertEqual(correction.user_id, self.user_manager, "who corrected")
        self.assertEqual(session.task_id.effective_hours, 2.0)
        self.assertEqual(self.bag.hours_used, 2.0)

    def test_objective_is_the_description(self):
        session = self._log(self.bag, 1.0, objective="First")
        session.with_user(self.user_consultant).objective = "Fix the invoices"
        self.assertEqual(session.timesheet_id.name, "Fix the invoices")

    def test_bag_line_delivers_its_logs(self):
        line = self.bag.sale_line_id
        self.assertEqual(line.product_id.service_policy, "ordered_prepaid")
        self.assertEqual(line.qty_delivered_method, "timesheet")
        self.assertEqual(line.qty_delivered, 0.0)
        self.assertTrue(line.remaining_hours_available)
        self.assertEqual(line.remaining_hours, 10.0)
        session = self._log(self.bag, 2.5)
        # One unit sold is one bag of 10 h: 2.5 h are a quarter of it.
        self.assertEqual(line.qty_delivered, 0.25)
        self.assertEqual(line.remaining_hours, 7.5)
        session.action_correct(2.0, "Typo")
        self.assertEqual(line.qty_delivered, 0.2)
        self.assertEqual(line.remaining_hours, 8.0)
        self.assertEqual(line.order_id.timesheet_total_duration, 2)
        self._log(self.bag, 8.0)
        self.assertEqual(line.qty_delivered, 1.0)
        self.assertEqual(line.remaining_hours, 0.0)
        self.assertEqual(self.bag.state, "exhausted")

    def test_bag_beyond_balance_is_upsold(self):
        self._log(self.bag, 9.0)
        order = self.bag.sale_order_id
        self.assertFalse(order.activity_ids)
        self._log(
            self.bag,
            2.0,
            client_informed=True,
            client_informed_note="Agreed by phone to go 1 h beyond",
        )
        line = self.bag.sale_line_id
        self.assertEqual(line.qty_delivered, 1.1)
        self.assertEqual(line.remaining_hours, -1.0)
        # sale_timesheet's upsell: the salesperson is to sell more hours.
        self.assertTrue(line.has_displayed_warning_upsell)
        self.assertEqual(
            order.activity_ids.activity_type_id,
            self.env.ref("sale.mail_act_sale_upsell"),
        )

    def test_monthly_later_cycles_not_on_the_order(self):
        with freeze_time("2026-01-05 12:00:00"):
            retainer = self._sell(self.plan_monthly, date="2026-01-05")
            first = self._log(retainer, 2.0)
        self.env["support.contract.period"]._cron_roll_periods()
        later = self._log(retainer, 1.0)
        self.assertEqual(first.timesheet_id.so_line, retainer.sale_line_id)
        self.assertFalse(later.timesheet_id.so_line, "invoiced by its cycle")
        self.assertEqual(later.task_id, first.task_id)
        self.assertEqual(retainer.sale_line_id.qty_delivered, 0.25)

    def test_timesheet_line_of_a_log_is_locked(self):
        session = self._log(self.bag, 1.5, date="2026-02-05")
        line = session.timesheet_id
        other_task = self.env["project.task"].create(
            {"name": "Other", "project_id": line.project_id.id}
        )
        for user in (self.user_consultant, self.user_manager):
            as_user = line.with_user(user)
            for vals in (
                {"unit_amount": 3.0},
                {"date": "2026-02-06"},
                {"task_id": other_task.id},
                {"employee_id": self.employee_manager.id},
                {"name": "Something else"},
            ):
                with self.assertRaisesText(UserError, "Correct time"):
                    as_user.write(vals)
            with self.assertRaisesText(UserError, "never deleted"):
                as_user.unlink()
        # Nor from the log: its consultant is its line's employee.
        with self.assertRaisesText(UserError, "Record a correction"):
            session.with_user(self.user_manager).user_id = self.user_manager
        # Saving the same values changes nothing and passes.
        line.with_user(self.user_consultant).write({"unit_amount": 1.5})
        # From the Timesheets form too.
        with self.assertRaisesText(UserError, "Correct time"):
            with Form(line.with_user(self.user_manager)) as form:
                form.unit_amount = 4.0
        self.env.invalidate_all()
        self.assertEqual(line.unit_amount, 1.5)
        self.assertEqual(line.date, date(2026, 2, 5))
        self.assertEqual(self.bag.hours_used, 1.5)
        # The task and project holding it stay where they are.
        with self.assertRaises(RedirectWarning):
            line.task_id.unlink()
        other_project = self.env["project.project"].create({"name": "Elsewhere"})
        with self.assertRaisesText(UserError, "support contract"):
            line.task_id.with_user(self.user_manager).project_id = other_project
        # Time for a support client is a session log, not a plain line.
        with self.assertRaisesText(UserError, "logged as a session"):
            self._plain_timesheet(project_id=line.project_id.id)
        with self.assertRaisesText(UserError, "logged as a session"):
            self._plain_timesheet(task_id=line.task_id.id, project_id=False)
        # Plain timesheets are untouched.
        plain = self._plain_timesheet()
        plain.write({"unit_amount": 3.0, "date": "2026-02-08", "name": "Course"})
        self.assertEqual(plain.unit_amount, 3.0)
        plain.unlink()
        self.assertFalse(plain.exists())

    def test_consultant_without_employee(self):
        user = new_test_user(
            self.env,
            login="sup_no_employee",
            name="Nadia Sin Ficha",
            groups=GROUP_CONSULTANT,
            company_id=self.company.id,
            company_ids=[(6, 0, self.company.ids)],
        )
        with self.assertRaisesText(UserError, "Nadia Sin Ficha has no employee"):
            self._log(self.bag, 1.0, user=user)
        # A Chilean consultancy reads it in Spanish, not a database error.
        self.env["res.lang"]._activate_lang("es_CL")
        self.env.ref("base.module_asesorateya_support")._update_translations(["es_CL"])
        with self.assertRaisesText(UserError, "Nadia Sin Ficha no tiene empleado"):
            self.env["support.session"].with_user(user).with_context(
                lang="es_CL"
            ).create(
                {
                    "contract_id": self.bag.id,
                    "date": "2026-02-10",
                    "duration": 1.0,
                    "objective": "Revisar el caso",
                }
            )
        self.assertFalse(self.bag.session_ids)
        self.assertEqual(self.bag.hours_used, 0.0)
        self.assertFalse(self.bag.timesheet_task_id.timesheet_ids)


@tagged("post_install", "-at_install")
class TestSupportTimesheetDemo(TransactionCase):
    """The demo's consultant is an employee and its logs are her timesheets;
    the demo's set-up gives the admin an employee in the demo company, a new
    record (the admin's employee of the main company stays)."""

    def test_demo_logs_are_the_consultants_timesheets(self):
        company = self.env.ref(DEMO_COMPANY_XMLID)
        employee = self.env.ref("asesorateya_support.employee_consultor")
        self.assertEqual(employee.user_id, self.env.ref(DEMO_CONSULTANT_XMLID))
        self.assertEqual(employee.company_id, company)
        sessions = self.env["support.session"].search([("company_id", "=", company.id)])
        self.assertTrue(sessions)
        self.assertEqual(sessions.timesheet_id.employee_id, employee)
        for contract in sessions.contract_id:
            logs = sessions.filtered(lambda s, c=contract: s.contract_id == c)
            self.assertAlmostEqual(
                contract.timesheet_task_id.effective_hours, sum(logs.mapped("duration"))
            )
            self.assertEqual(
                contract.timesheet_project_id.support_client_id, contract.partner_id
            )

    def test_demo_consultant_books_in_the_consultancy_hours(self):
        """Her employee's working hours are the demo consultancy's (Monday
        to Friday, 9:00-13:00 and 14:00-18:00 in Santiago): the booking page
        offers those, not the company's standard 40 hours (8:00-17:00)."""
        company = self.env.ref(DEMO_COMPANY_XMLID)
        consultant = self.env.ref(DEMO_CONSULTANT_XMLID)
        employee = self.env.ref("asesorateya_support.employee_consultor")
        calendar = self.env.ref(
            "asesorateya_support.resource_calendar_demo_consultancy"
        )
        resource = consultant._get_support_booking_resource(company)
        self.assertEqual(resource, employee.resource_id)
        self.assertEqual(resource.calendar_id, calendar)
        contract = self.env["support.contract"].search(
            [
                ("company_id", "=", company.id),
                ("plan_id.booking_consultant_ids", "in", consultant.ids),
            ],
            limit=1,
        )
        self.assertTrue(contract, "a demo contract booked in Odoo")
        earliest, _latest = contract._get_booking_window()
        slots = contract._get_booking_slots(earliest, earliest + timedelta(days=7))
        self.assertTrue(slots)
        self.assertEqual({tuple(users) for users in slots.values()}, {(consultant.id,)})
        length = contract.plan_id.session_length
        santiago = pytz.timezone("America/Santiago")
        for start in slots:
            local = start.astimezone(santiago)
            hour = local.hour + local.minute / 60
            self.assertLess(local.weekday(), 5, local)
            self.assertTrue(
                9 <= hour <= 13 - length or 14 <= hour <= 18 - length, local
            )

    def test_setup_gives_the_admin_an_employee_there(self):
        company = self.env.ref(DEMO_COMPANY_XMLID)
        admin = self.env.ref("base.user_admin")
        before = self.env["hr.employee"].search([("user_id", "=", admin.id)])
        self.env["res.company"]._support_setup_demo()
        employees = self.env["hr.employee"].search([("user_id", "=", admin.id)])
        self.assertEqual(len(employees - before), 1)
        self.assertEqual((employees - before).company_id, company)
        self.assertLessEqual(before, employees, "the main company's stays")
        self.env["res.company"]._support_setup_demo()
        self.assertEqual(
            self.env["hr.employee"].search([("user_id", "=", admin.id)]), employees
        )
