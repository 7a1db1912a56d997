"""Contact Center: an omnichannel contact center for public-benefits agencies."""
