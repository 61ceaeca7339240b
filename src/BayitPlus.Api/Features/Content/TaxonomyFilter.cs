using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content;

/// <summary>The five-axis filter shared by browse and search: repeated values of one axis match any
/// of them, different axes must all match. Every field it touches has one of the spec's indexes.</summary>
public sealed record TaxonomyFilter(
    IReadOnlyList<string> Sections,
    IReadOnlyList<string> Formats,
    IReadOnlyList<string> Audiences,
    IReadOnlyList<string> Genres,
    IReadOnlyList<string> Topics,
    int? YearFrom,
    int? YearTo)
{
    public List<FilterDefinition<ContentDocument>> Clauses()
    {
        var where = Builders<ContentDocument>.Filter;
        var clauses = new List<FilterDefinition<ContentDocument>>();
        if (Sections.Count > 0)
        {
            clauses.Add(where.AnyIn(c => c.SectionIds, Sections));
        }

        if (Formats.Count > 0)
        {
            clauses.Add(where.In(c => c.ContentFormat, Formats));
        }

        if (Audiences.Count > 0)
        {
            clauses.Add(where.In(c => c.AudienceId, Audiences));
        }

        if (Genres.Count > 0)
        {
            clauses.Add(where.AnyIn(c => c.GenreIds, Genres));
        }

        if (Topics.Count > 0)
        {
            clauses.Add(where.AnyIn(c => c.TopicTags, Topics));
        }

        if (YearFrom is { } from)
        {
            clauses.Add(where.Gte(c => c.Year, from));
        }

        if (YearTo is { } to)
        {
            clauses.Add(where.Lte(c => c.Year, to));
        }

        return clauses;
    }
}
