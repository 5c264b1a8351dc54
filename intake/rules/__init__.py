"""The mapping tables, as data: ``table`` joins each forge's rules (``github``,
``gitlab``, ``gitea``, ``bitbucket``) with the user shapes and the standard rules;
``types`` defines ``Rule``, ``Emit`` and ``UserShape``."""
