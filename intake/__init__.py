"""Forge webhooks (verify, inbox, worker), git history backfill, wikis (dumps and
recent changes), records files, identity resolution, bot filtering.

Where each rule lives:

- which headers carry a forge's signature, id and event name (and the finer event
  type Gitea and Forgejo send) -> ``forges``
- a form-encoded delivery's JSON and the bytes its signature covers -> ``body``
- deliveries from repositories the project does not list are ignored -> ``scope``
- a signature is checked on the raw body in constant time -> ``verify``
- a delivery is stored before it is acknowledged -> ``receive`` and ``inbox``
- deliveries are claimed with SKIP LOCKED, retried, dead-lettered, and replayed
  under today's rules -> ``worker`` and ``inbox``
- a payload becomes activities by the rule tables -> ``mapping`` (data in ``rules/``;
  actors, activities and payload readers in ``payload``; a commit's author, co-authors
  and signers in ``commits``)
- an activity is recorded once per natural key -> ``record``
- forge accounts and commit emails resolve to contributors -> ``identity``, keyed by
  forge server -> ``instances``; the accounts a forge ties to commits (private
  addresses, Bitbucket's matched user) -> ``accounts``; the evidence a new identity
  joins a contributor on -> ``links``; names kept current from accounts -> ``profiles``
- merging and unmerging -> ``merges``; the suggestions maintainers decide on ->
  ``suggestions``; a repository's ``.mailmap`` -> ``mailmap``
- a bot's work is stored but never credited, an AI assistant's credited by policy ->
  ``bots`` (the known ones: ``known_bots.json``); marking a contributor as a bot after
  the fact -> ``bot_marks``; the project's intake policy -> ``settings``
  (GraphQL: ``policy_gql``)
- ``Co-authored-by`` and ``Signed-off-by`` trailers -> ``trailers``, read from the
  trailer block by git's own rules -> ``git_trailers``
- git history backfill -> ``backfill`` (``docs/git-import.md``), reading ``git log``
  over the refs git means -> ``gitlog``
- MediaWiki dumps and live recent changes -> ``wiki/``
- CSV / JSON Lines records of communities without a forge -> ``records/``
- forge connections, their base URL and secret rotation -> ``connections``
- raw payloads are purged after the retention period -> ``retention``
- a contributor who asks to be forgotten is erased, payloads included -> ``erasure``
  (GraphQL: ``erasure_gql``)
"""
