"""A model of one GitHub repository's pull requests and issues, answering GraphQL queries
as GitHub's API does, for relkit's scale tests. It is not GitHub.

The schema below is the part of GitHub's public GraphQL schema (docs.github.com,
"GraphQL API" reference: Repository.object, Commit.associatedPullRequests,
PullRequest.closingIssuesReferences, timelineItems with ClosedEvent.closer and
ConnectedEvent.actor, Query.viewer) that relkit asks for, with GitHub's type, field and
argument names, so a query relkit sends that GitHub would refuse as invalid is refused
here too (graphql-core validates it against this schema).

GitHub's documented limits are enforced on every query ("Rate limits and node limits
for the GraphQL API"): `first`/`last` between 1 and 100 on every connection, and at
most 500,000 possible nodes a query (the product of `first`/`last` down each connection,
summed), else the whole query is refused with MAX_NODE_LIMIT_EXCEEDED.
"""
from graphql import (build_schema, execute, parse, validate, FieldNode, InlineFragmentNode,
                     FragmentSpreadNode, IntValueNode, VariableNode)

SCHEMA = build_schema('''
scalar GitObjectID
scalar URI
type Query {
  repository(owner: String!, name: String!, followRenames: Boolean): Repository
  viewer: User!
}
interface Actor { login: String! }
type User implements Actor { login: String! }
type Bot implements Actor { login: String! }
interface GitObject { oid: GitObjectID! }
type Repository {
  pullRequest(number: Int!): PullRequest
  object(oid: GitObjectID, expression: String): GitObject
}
type Commit implements GitObject {
  oid: GitObjectID!
  associatedPullRequests(first: Int, last: Int, after: String, before: String): PullRequestConnection
}
type Tree implements GitObject { oid: GitObjectID! }
type PullRequestConnection { totalCount: Int! nodes: [PullRequest] }
enum PullRequestState { OPEN CLOSED MERGED }
type PullRequest {
  number: Int!
  title: String!
  body: String!
  url: URI!
  state: PullRequestState!
  merged: Boolean!
  mergeCommit: Commit
  baseRefName: String!
  baseRefOid: GitObjectID!
  headRefName: String!
  headRefOid: GitObjectID!
  author: Actor
  labels(first: Int, last: Int, after: String, before: String): LabelConnection
  milestone: Milestone
  closingIssuesReferences(first: Int, last: Int, after: String, before: String): IssueConnection
  timelineItems(first: Int, last: Int, after: String, before: String,
                itemTypes: [PullRequestTimelineItemsItemType!]): PullRequestTimelineItemsConnection!
}
type LabelConnection { totalCount: Int! nodes: [Label] }
type Label { name: String! }
type Milestone { number: Int! title: String! }
type IssueConnection { totalCount: Int! nodes: [Issue] }
type Issue {
  number: Int!
  title: String!
  url: URI!
  labels(first: Int, last: Int, after: String, before: String): LabelConnection
  milestone: Milestone
  timelineItems(first: Int, last: Int, after: String, before: String,
                itemTypes: [IssueTimelineItemsItemType!]): IssueTimelineItemsConnection!
}
enum PullRequestTimelineItemsItemType { CLOSED_EVENT CONNECTED_EVENT DISCONNECTED_EVENT CROSS_REFERENCED_EVENT LABELED_EVENT }
enum IssueTimelineItemsItemType { CLOSED_EVENT CONNECTED_EVENT DISCONNECTED_EVENT CROSS_REFERENCED_EVENT LABELED_EVENT }
union PullRequestTimelineItems = ClosedEvent | ConnectedEvent | DisconnectedEvent
union IssueTimelineItems = ClosedEvent | ConnectedEvent | DisconnectedEvent
type PullRequestTimelineItemsConnection { totalCount: Int! nodes: [PullRequestTimelineItems] }
type IssueTimelineItemsConnection { totalCount: Int! nodes: [IssueTimelineItems] }
union Closer = Commit | PullRequest
type ClosedEvent { actor: Actor closer: Closer }
union ReferencedSubject = Issue | PullRequest
type ConnectedEvent { actor: Actor subject: ReferencedSubject! }
type DisconnectedEvent { actor: Actor subject: ReferencedSubject! }
''')

NODE_LIMIT = 500000


def node_count(document, variables):
    """GitHub's count: for each connection (a field with `first` or `last`), its size times
    the sizes of the connections around it; the query's nodes are the sum."""
    fragments = {d.name.value: d for d in document.definitions if d.kind == "fragment_definition"}
    errors = []

    def size(field):
        for argument in field.arguments or []:
            if argument.name.value in ("first", "last"):
                value = argument.value
                if isinstance(value, IntValueNode):
                    number = int(value.value)
                elif isinstance(value, VariableNode):
                    number = int(variables.get(value.name.value) or 0)
                else:
                    continue
                if not 1 <= number <= 100:
                    errors.append("Requesting %d records on the `%s` connection exceeds the `%s` limit of 100 records."
                                  % (number, field.name.value, argument.name.value))
                return number
        return None

    def walk(selection_set, multiplier):
        total = 0
        for selection in selection_set.selections if selection_set else []:
            if isinstance(selection, FieldNode):
                count = size(selection)
                inner = multiplier
                if count is not None:
                    inner = multiplier * count
                    total += inner
                total += walk(selection.selection_set, inner)
            elif isinstance(selection, InlineFragmentNode):
                total += walk(selection.selection_set, multiplier)
            elif isinstance(selection, FragmentSpreadNode):
                total += walk(fragments[selection.name.value].selection_set, multiplier)
        return total

    total = sum(walk(d.selection_set, 1) for d in document.definitions if d.kind == "operation_definition")
    return total, errors


def connection(items, first=None, last=None, **_):
    chosen = items[:first] if first is not None else items[-last:] if last is not None else items
    return {"totalCount": len(items), "nodes": chosen}


class Model:
    """`data`: {"viewer", "pulls": {number: {...}}, "commits": {sha: [pull numbers]},
    "issues": {number: {...}}} in GitHub's field names; a pull request's "closing" lists the
    issues it names, "connected" its hand-made links ({"issue", "actor"}); an issue's
    "closedBy" is {"pull": n} or {"commit": sha} when its closed event names one."""

    def __init__(self, data):
        self.data = data
        self.pulls = {int(k): v for k, v in data.get("pulls", {}).items()}
        self.issues = {int(k): v for k, v in data.get("issues", {}).items()}
        self.commits = {k.lower(): v for k, v in data.get("commits", {}).items()}
        self.largest = 0

    def actor(self, login):
        return {"__typename": "Bot" if login.endswith("[bot]") else "User", "login": login} if login else None

    def commit(self, oid):
        oid = oid.lower()
        return {"__typename": "Commit", "oid": oid,
                "associatedPullRequests": lambda info, **a: connection(
                    [self.pull(n) for n in self.commits.get(oid, [])], **a)}

    def labels(self, names):
        return lambda info, **a: connection([{"name": n} for n in names], **a)

    def issue(self, number):
        record = self.issues.get(number)
        if record is None:
            return None
        closed = []
        closer = record.get("closedBy")
        if closer and "pull" in closer:
            closed.append({"__typename": "ClosedEvent", "actor": None, "closer": self.pull(closer["pull"])})
        elif closer and "commit" in closer:
            closed.append({"__typename": "ClosedEvent", "actor": None, "closer": self.commit(closer["commit"])})
        return {"__typename": "Issue", "number": number, "title": record.get("title", ""),
                "url": record.get("url", ""), "labels": self.labels(record.get("labels", [])),
                "milestone": record.get("milestone"),
                "timelineItems": lambda info, itemTypes=None, **a: connection(
                    closed if not itemTypes or "CLOSED_EVENT" in itemTypes else [], **a)}

    def pull(self, number):
        record = self.pulls.get(number)
        if record is None:
            return None
        events = []
        for link in record.get("connected", []):
            events.append({"__typename": "ConnectedEvent", "actor": self.actor(link.get("actor")),
                           "subject": self.issue(link["issue"])})
        merge = record.get("mergeCommit")
        return {"__typename": "PullRequest", "number": number, "title": record.get("title", ""),
                "body": record.get("body", ""), "url": record.get("url", ""), "state": record.get("state", "MERGED"),
                "merged": record.get("merged", True), "mergeCommit": self.commit(merge) if merge else None,
                "baseRefName": record.get("baseRefName", "main"), "baseRefOid": record.get("baseRefOid", "0" * 40),
                "headRefName": record.get("headRefName", ""), "headRefOid": record.get("headRefOid", "0" * 40),
                "author": self.actor(record.get("author")), "labels": self.labels(record.get("labels", [])),
                "milestone": record.get("milestone"),
                "closingIssuesReferences": lambda info, **a: connection(
                    [i for i in (self.issue(n) for n in record.get("closing", [])) if i], **a),
                "timelineItems": lambda info, itemTypes=None, **a: connection(
                    [e for e in events if not itemTypes or "CONNECTED_EVENT" in itemTypes], **a)}

    def answer(self, body):
        """The JSON GitHub would send for a GraphQL request body (the HTTP status is 200 either way)."""
        query, variables = body.get("query", ""), body.get("variables") or {}
        try:
            document = parse(query)
        except Exception as error:  # a syntax error, as GitHub words it
            return {"errors": [{"message": str(error).splitlines()[0]}]}, 0
        problems = validate(SCHEMA, document)
        if problems:
            return {"errors": [{"message": p.message} for p in problems]}, 0
        nodes, pagination = node_count(document, variables)
        self.largest = max(self.largest, nodes)
        if pagination:
            return {"errors": [{"type": "EXCESSIVE_PAGINATION", "message": m} for m in pagination]}, nodes
        if nodes > NODE_LIMIT:
            return {"errors": [{"type": "MAX_NODE_LIMIT_EXCEEDED",
                                "message": "This query requests up to {:,} possible nodes which exceeds the maximum limit "
                                           "of {:,}.".format(nodes, NODE_LIMIT)}]}, nodes
        root = {"viewer": {"__typename": "User", "login": self.data.get("viewer", "fleet-release-bot")},
                "repository": lambda info, **a: {
                    "pullRequest": lambda info, number: self.pull(number),
                    "object": lambda info, oid=None, expression=None: self.commit(oid)
                    if oid and oid.lower() in self.commits else None}}
        result = execute(SCHEMA, document, root_value=root, variable_values=variables)
        answer = {"data": result.data}
        if result.errors:
            answer["errors"] = [{"message": e.message} for e in result.errors]
        return answer, nodes
