# Copyright 2026 AsesórateYa
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).

from . import support_contract_hold
from . import support_session_correct
from . import support_contract_cancel
from . import support_contract_convert
from . import support_booking_change
