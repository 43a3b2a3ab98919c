# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from . import mail_mail
from . import res_company
from . import res_config_settings
from . import support_policy
from . import support_plan
from . import support_client_mail_mixin
from . import support_contract
from . import support_contract_hours
from . import support_contract_billing
from . import support_contract_project
from . import support_contract_cancellation
from . import support_contract_portal
from . import support_contract_period
from . import support_session
from . import support_project_item
from . import support_cancellation
from . import support_credit
from . import support_claim
from . import support_revision
from . import support_breach
from . import support_credit_usage
from . import sale_order
from . import sale_order_line
from . import account_move
from . import payment_transaction
