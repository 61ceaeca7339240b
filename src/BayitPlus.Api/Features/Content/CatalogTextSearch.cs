using System.Globalization;
using System.Text;
using BayitPlus.Api.Infrastructure.Catalog;
using BayitPlus.Api.Infrastructure.Mongo;
using MongoDB.Driver;

namespace BayitPlus.Api.Features.Content;

/// <summary>The Content slice's answer to <see cref="ICatalogTextSearch"/>: catalog search's ranking
/// (the weighted text index, the taxonomy filter, text score and then the newest id first), each
/// match marked when the text is one of its titles, for a slice that fuses it with another ranking.</summary>
public sealed class CatalogTextSearch(MongoContext db) : ICatalogTextSearch
{
    public async Task<IReadOnlyList<CatalogTextMatch>> RankAsync(string text, CatalogFilter filter, int limit, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var where = Builders<ContentDocument>.Filter;
        var clauses = new TaxonomyFilter(filter.Sections, filter.Formats, filter.Audiences, filter.Genres, filter.Topics, filter.YearFrom, filter.YearTo).Clauses();
        clauses.Insert(0, where.Text(text));
        var sort = Builders<ContentDocument>.Sort;
        var found = await db.Collection<ContentDocument>(ContentDocument.CollectionName)
            .Find(where.And(clauses))
            .Sort(sort.Combine(sort.MetaTextScore("score"), sort.Descending(c => c.Id)))
            .Limit(limit)
            .Project<ContentDocument>(Builders<ContentDocument>.Projection.Include(c => c.Title).Include(c => c.TitleEn).Include(c => c.TitleEs))
            .ToListAsync(cancellationToken);
        var wanted = Comparable(text);
        return [.. found.Select(item => new CatalogTextMatch(item.Id, wanted.Length > 0 && new[] { item.Title, item.TitleEn, item.TitleEs }.Any(title => title is not null && Comparable(title) == wanted)))];
    }

    /// <summary>A title as a searcher may type it: letters and digits only, lowercase, without
    /// accents or Hebrew vowel points (both are combining marks once decomposed), words separated by
    /// single spaces.</summary>
    public static string Comparable(string text)
    {
        var comparable = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            if (char.IsLetterOrDigit(c))
            {
                comparable.Append(char.ToLowerInvariant(c));
            }
            else if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark && comparable.Length > 0 && comparable[^1] != ' ')
            {
                comparable.Append(' ');
            }
        }

        return comparable.ToString().TrimEnd();
    }
}
