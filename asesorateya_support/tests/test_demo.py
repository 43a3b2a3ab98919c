# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from lxml import etree

from odoo.exceptions import UserError
from odoo.modules.module import get_manifest
from odoo.tests import TransactionCase, tagged
from odoo.tools.misc import file_path

from ..const import DEMO_COMPANY_XMLID, DEMO_SETUP_PARAM

#: Records of other modules the demo data may write, and why: a company in
#: CLP needs the currency active.
DEMO_CORE_WRITES = {"base.CLP"}


@tagged("post_install", "-at_install")
class TestSupportDemo(TransactionCase):
    """The demo data adds records of its own and leaves alone the ones the
    tests of other modules rely on (the main company, the admin's company,
    the website, the default taxes); the set-up step of a demo database
    (``scripts/init-demo``) is what moves the admin and the website to the
    demo company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.demo_company = cls.env.ref(DEMO_COMPANY_XMLID)
        cls.main_company = cls.env.ref("base.main_company")
        cls.admin = cls.env.ref("base.user_admin")
        cls.website = cls.env.ref("website.default_website")

    def test_demo_files_write_only_their_own_records(self):
        demo_files = get_manifest("asesorateya_support")["demo"]
        self.assertTrue(demo_files)
        for name in demo_files:
            with self.subTest(file=name):
                path = file_path(f"asesorateya_support/{name}")
                tree = etree.parse(path)
                for record in tree.iter("record"):
                    xmlid = record.get("id")
                    if "." in xmlid:
                        self.assertIn(xmlid, DEMO_CORE_WRITES)

    def test_core_records_as_their_modules_left_them(self):
        """Without the set-up step, the admin, the public user and the
        website stay in the main company, whose default sale tax is not the
        demo's."""
        if self.env["ir.config_parameter"].sudo().get_param(DEMO_SETUP_PARAM):
            # A demo database after scripts/init-demo: the set-up test below
            # checks that state.
            self.assertEqual(self.website.company_id, self.demo_company)
            return
        self.assertEqual(self.admin.company_id, self.main_company)
        self.assertNotIn(self.demo_company, self.admin.company_ids)
        self.assertEqual(self.website.company_id, self.main_company)
        self.assertEqual(self.website.user_id.company_id, self.main_company)
        self.assertNotEqual(
            self.main_company.account_sale_tax_id.company_id, self.demo_company
        )
        self.assertEqual(self.website.show_line_subtotals_tax_selection, "tax_excluded")

    def test_setup_step(self):
        """The set-up step: the admin in the demo company, the website
        selling its services IVA included, the Demo provider in test mode
        (payment_demo is installed beside the addon for the tests); twice
        is the same as once."""
        self.env["res.company"]._support_setup_demo()
        self.assertEqual(self.admin.company_id, self.demo_company)
        self.assertIn(self.main_company, self.admin.company_ids, "kept")
        self.assertEqual(self.website.company_id, self.demo_company)
        self.assertEqual(self.website.user_id.company_id, self.demo_company)
        self.assertEqual(self.website.show_line_subtotals_tax_selection, "tax_included")
        providers = self.env["payment.provider"].search(
            [("code", "=", "demo"), ("company_id", "=", self.demo_company.id)]
        )
        self.assertEqual(len(providers), 1)
        self.assertEqual(providers.state, "test")
        self.assertTrue(providers.is_published)
        self.assertEqual(
            providers.payment_method_ids,
            self.env.ref("payment_demo.payment_method_demo"),
        )
        self.assertTrue(
            self.env["ir.config_parameter"].sudo().get_param(DEMO_SETUP_PARAM)
        )
        queue = self.env.ref("mail.ir_cron_mail_scheduler_action")
        self.assertEqual((queue.interval_number, queue.interval_type), (1, "minutes"))
        self.env["res.company"]._support_setup_demo()
        self.assertEqual(
            self.env["payment.provider"].search_count(
                [("code", "=", "demo"), ("company_id", "=", self.demo_company.id)]
            ),
            1,
        )
        # The demo shop sells: the demo company's published plans are on
        # its website, plans first.
        products = self.env["product.template"].search(
            [
                ("is_published", "=", True),
                ("sale_ok", "=", True),
                ("company_id", "in", [False, self.demo_company.id]),
            ],
            order="website_sequence, id",
            limit=3,
        )
        self.assertEqual(
            products.mapped("default_code"), ["SOP-DIAG", "SOP-INC", "SOP-MENSUAL8"]
        )

    def test_setup_step_needs_the_demo(self):
        company = self.admin.company_id
        self.env["ir.model.data"].search(
            [
                ("module", "=", "asesorateya_support"),
                ("name", "=", "company_asesorateya"),
            ]
        ).unlink()
        with self.assertRaisesRegex(UserError, "no demo data"):
            self.env["res.company"]._support_setup_demo()
        self.assertEqual(self.admin.company_id, company, "nothing changed")
