"""The API's objects as TypedDicts, generated from ZeroFee's /openapi.json (``npm run sdk:generate``)::

    from zerofee.types import Payment
"""
from ._generated import *  # noqa: F401,F403
from ._generated import __all__  # noqa: F401
