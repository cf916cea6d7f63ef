"""Vega's error texts, as its integration steps compare them.

The engine returns rejection reasons; the execution layer of Vega reports some
of them with texts of its own (`common` errors) and the rest as the reason's text.
"""

from devops.engine.types import OrderError

ORDER_ERROR_TEXT: dict[OrderError, str] = {
    OrderError.UNSPECIFIED: "none",
    OrderError.INVALID_MARKET_ID: "OrderError: Invalid Market ID",
    OrderError.INVALID_ORDER_ID: "OrderError: Invalid Order ID",
    OrderError.OUT_OF_SEQUENCE: "OrderError: Order Out Of Sequence",
    OrderError.INVALID_REMAINING_SIZE: "OrderError: Invalid Remaining Size",
    OrderError.TIME_FAILURE: "OrderError: Vega Time failure",
    OrderError.REMOVAL_FAILURE: "OrderError: Order Removal Failure",
    OrderError.INVALID_EXPIRATION_DATETIME: "OrderError: Invalid Expiration Datetime",
    OrderError.INVALID_ORDER_REFERENCE: "OrderError: Invalid Order Reference",
    OrderError.EDIT_NOT_ALLOWED: "OrderError: Edit Not Allowed",
    OrderError.AMEND_FAILURE: "OrderError: Order Amend Failure",
    OrderError.NOT_FOUND: "OrderError: Order Not Found",
    OrderError.INVALID_PARTY_ID: "OrderError: Invalid Party ID",
    OrderError.MARKET_CLOSED: "OrderError: Market Closed",
    OrderError.MARGIN_CHECK_FAILED: "OrderError: Margin Check Failed",
    OrderError.MISSING_GENERAL_ACCOUNT: "OrderError: Missing General Account",
    OrderError.INTERNAL_ERROR: "OrderError: Internal Error",
    OrderError.INVALID_SIZE: "OrderError: Invalid Size",
    OrderError.INVALID_PERSISTENCE: "OrderError: Invalid Persistence",
    OrderError.INSUFFICIENT_FUNDS_TO_PAY_FEES: "OrderError: Insufficient funds to pay fees",
    OrderError.SELF_TRADING: "OrderError: Self trading",
    OrderError.INVALID_TYPE: "OrderError: Invalid Type",
    OrderError.CANNOT_AMEND_TO_GTT_WITHOUT_EXPIRYAT: "OrderError: Cannot amend order to GTT without an expiryAt field",
    OrderError.EXPIRYAT_BEFORE_CREATEDAT: "OrderError: ExpiryAt field must not be before CreatedAt",
    OrderError.CANNOT_HAVE_GTC_AND_EXPIRYAT: "OrderError: Cannot set ExpiryAt and GTC",
    OrderError.CANNOT_AMEND_TO_FOK_OR_IOC: "OrderError: Cannot amend TIF to FOK or IOC",
    OrderError.CANNOT_AMEND_TO_GFA_OR_GFN: "OrderError: Cannot amend TIF to GFA or GFN",
    OrderError.CANNOT_AMEND_FROM_GFA_OR_GFN: "OrderError: Cannot amend TIF from GFA or GFN",
    OrderError.INCORRECT_MARKET_TYPE: "OrderError: Invalid Market Type",
    OrderError.CANNOT_SEND_GFN_ORDER_DURING_AN_AUCTION: "OrderError: GFN Order Received During An Auction",
    OrderError.CANNOT_SEND_GFA_ORDER_DURING_CONTINUOUS_TRADING: "OrderError: GFA Order Received During Continuous Trading",
    OrderError.CANNOT_SEND_IOC_ORDER_DURING_AUCTION: "OrderError: IOC orders are not allowed during auction",
    OrderError.CANNOT_SEND_FOK_ORDER_DURING_AUCTION: "OrderError: FOK orders are not allowed during auction",
    OrderError.INSUFFICIENT_ASSET_BALANCE: "OrderError: insufficient asset balance to submit order",
    OrderError.CANNOT_AMEND_PEGGED_ORDER_DETAILS_ON_NON_PEGGED_ORDER: "OrderError: cannot amend pegged details on a non pegged order",
    OrderError.INVALID_TIME_IN_FORCE: "OrderError: invalid time in force",
    OrderError.BUY_CANNOT_REFERENCE_BEST_ASK_PRICE: "OrderError: buy cannot reference best ask price",
    OrderError.OFFSET_MUST_BE_GREATER_OR_EQUAL_TO_ZERO: "OrderError: offset must be >= 0",
    OrderError.SELL_CANNOT_REFERENCE_BEST_BID_PRICE: "OrderError: sell cannot reference best bid price",
    OrderError.OFFSET_MUST_BE_GREATER_THAN_ZERO: "OrderError: offset must be greater than zero",
    OrderError.NON_PERSISTENT_ORDER_OUT_OF_PRICE_BOUNDS: "OrderError: non-persistent order trades out of price bounds",
    OrderError.TOO_MANY_PEGGED_ORDERS: "OrderError: too many pegged orders",
    OrderError.POST_ONLY_ORDER_WOULD_TRADE: "OrderError: post only order would trade",
    OrderError.REDUCE_ONLY_ORDER_WOULD_NOT_REDUCE_POSITION: "OrderError: reduce only order would not reduce position",
}

# Reasons the execution layer reports with its own error texts.
EXECUTION_ERROR_TEXT: dict[OrderError, str] = {
    OrderError.MARKET_CLOSED: "trading not allowed",
    OrderError.MARGIN_CHECK_FAILED: "margin check failed",
    OrderError.INSUFFICIENT_ASSET_BALANCE: "party has insufficient balance in asset",
    OrderError.INVALID_TYPE: "invalid order type",
    OrderError.INVALID_EXPIRATION_DATETIME: "invalid expiresAt time",
    OrderError.CANNOT_SEND_GFN_ORDER_DURING_AN_AUCTION: "gfn order received during auction trading",
    OrderError.CANNOT_SEND_IOC_ORDER_DURING_AUCTION: "ioc order received during auction trading",
    OrderError.CANNOT_SEND_FOK_ORDER_DURING_AUCTION: "fok order received during auction trading",
    OrderError.CANNOT_SEND_GFA_ORDER_DURING_CONTINUOUS_TRADING: (
        "gfa order received during continuous trading"
    ),
}


def submission_error_text(reason: OrderError) -> str:
    return EXECUTION_ERROR_TEXT.get(reason) or ORDER_ERROR_TEXT.get(reason, reason.name)


def order_error_text(reason: OrderError) -> str:
    return ORDER_ERROR_TEXT.get(reason, reason.name)


# Amendments report a failed margin check, and a market that cannot trade, with the
# execution layer's texts; every other refusal with the reason's text.
_AMEND_EXECUTION_ERRORS = (OrderError.MARGIN_CHECK_FAILED, OrderError.MARKET_CLOSED)


def amendment_error_text(reason: OrderError) -> str:
    if reason in _AMEND_EXECUTION_ERRORS:
        return EXECUTION_ERROR_TEXT[reason]
    return order_error_text(reason)
