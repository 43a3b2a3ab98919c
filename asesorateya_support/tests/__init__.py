# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from . import test_agency
from . import test_bag_validity
from . import test_billing
from . import test_contract
from . import test_credit
from . import test_credit_concurrency
from . import test_credit_reminder
from . import test_mail
from . import test_monthly
from . import test_performance
from . import test_plan
from . import test_policy
from . import test_sale
from . import test_security
from . import test_session
from . import test_shop
from . import test_cancellation
from . import test_policy_version
from . import test_project
from . import test_desk
from . import test_portal
from . import test_portal_performance
from . import test_portal_requests
from . import test_portal_tour
