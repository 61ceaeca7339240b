namespace BayitPlus.Api.Infrastructure;

/// <summary>A whole list in one answer: <c>{ items }</c>, with no <c>nextCursor</c> because there
/// is never a next page. For small lists that take no <c>cursor</c> or <c>limit</c>: curated ones
/// (a channel lineup, the radio stations) and ones a setting bounds (a user's devices). A list that
/// can grow without bound pages instead (<c>{ items, nextCursor }</c>, with <c>cursor</c> and
/// <c>limit</c>).</summary>
public sealed record ItemsResponse<T>(IReadOnlyList<T> Items);
