"""Every conversion between the engine's records and vega-sim's protobuf messages.

By domain: `orders` (orders, trades, liquidity provisions, depth), `accounts`
(accounts, ledger, margin levels, positions), `markets` (market configuration
both ways), `market_data`, `network` (transfers, epochs, stake, delegations,
rewards), `governance` (proposals, votes, assets, network parameters),
`estimates`, `transactions` and `network_commands` (commands decoded), `bus`
(streamed events) and `api` (the data node's and core's responses). Nothing
outside this package builds or copies one of those messages.
"""
