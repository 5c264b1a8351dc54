"""The GraphQL execution the composition root adds to the areas' schema: the shape and
cost limits (``limits``), the query budget per client (``budget``), the one error
boundary (``errors``) and read routing to the replica (``routing``)."""
