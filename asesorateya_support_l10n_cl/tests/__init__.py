from . import test_documents
from . import test_money_cl
from . import test_flow_year
