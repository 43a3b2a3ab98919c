# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""17.0.2.0.0: take back the administrator groups the upgrade's new apps gave.

This version depends on hr_timesheet and sale_timesheet: upgrading a
database where Employees, Project and Timesheets were not installed installs
them first, and each of them adds its administrator group to the default
user template (``base.default_user``), which Odoo then gives to every
existing internal user (``res.users.write``, "added_groups"): every
consultant, salesperson and accountant would become Employees, Project and
Timesheets administrator.

Here (before this module's data, after its new dependencies are installed)
each user but the superuser and the administrator, whom those apps grant
their groups by name, loses the groups created by this upgrade, then gets
back what the groups they keep imply (e.g. the internal user's feature
groups). This module's groups, loaded next, then give what is needed: a
consultant *Timesheets / See own timesheets*, a support manager *See all
timesheets* (``security/asesorateya_support_groups.xml``).

A group created by this upgrade is one created since the upgrade began: since
this module was marked for upgrade (its row's ``write_date``, written by
``button_upgrade`` and not again before this script). Apps installed
before the upgrade keep the groups they gave.
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    cr.execute(
        "SELECT write_date FROM ir_module_module WHERE name = 'asesorateya_support'"
    )
    began = cr.fetchone()[0]
    cr.execute("SELECT id FROM res_groups WHERE create_date >= %s", [began])
    new_groups = [row[0] for row in cr.fetchall()]
    if not new_groups:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    kept_users = [SUPERUSER_ID]
    for xmlid in ("base.user_admin", "base.default_user"):
        user = env.ref(xmlid, raise_if_not_found=False)
        if user:
            kept_users.append(user.id)
    cr.execute(
        """DELETE FROM res_groups_users_rel
            WHERE gid = ANY(%s) AND uid <> ALL(%s)
        RETURNING uid""",
        [new_groups, kept_users],
    )
    users = sorted({row[0] for row in cr.fetchall()})
    if not users:
        return
    # What the groups they keep imply (transitively), given back.
    cr.execute(
        """WITH RECURSIVE implied(gid, hid) AS (
                SELECT gid, hid FROM res_groups_implied_rel
             UNION
                SELECT implied.gid, rel.hid
                  FROM implied JOIN res_groups_implied_rel rel
                    ON rel.gid = implied.hid
           )
           INSERT INTO res_groups_users_rel (uid, gid)
           SELECT DISTINCT member.uid, implied.hid
             FROM res_groups_users_rel member
             JOIN implied ON implied.gid = member.gid
            WHERE member.uid = ANY(%s)
           ON CONFLICT DO NOTHING""",
        [users],
    )
    env.invalidate_all()
    env.registry.clear_cache()
    _logger.info(
        "Support: %s users no longer get the %s groups of the apps this "
        "upgrade installed (Employees, Project, Timesheets) from the default "
        "user template; their support group gives what they need",
        len(users),
        len(new_groups),
    )
