from . import account_move
from . import support_contract_period
