using System.Text;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Conventions;

namespace BayitPlus.Api.Infrastructure.Mongo;

/// <summary>Maps C# member names to the spec's snake_case element names (<c>PasswordHash</c> →
/// <c>password_hash</c>); the driver has no such convention of its own. An explicit
/// <c>[BsonElement]</c> still wins, and <c>Id</c> stays <c>_id</c>.</summary>
public sealed class SnakeCaseElementNameConvention : ConventionBase, IMemberMapConvention
{
    public void Apply(BsonMemberMap memberMap)
    {
        if (memberMap.ElementName == memberMap.MemberName && memberMap != memberMap.ClassMap.IdMemberMap)
        {
            memberMap.SetElementName(ToSnakeCase(memberMap.MemberName));
        }
    }

    public static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsUpper(c))
            {
                var afterLowerOrDigit = i > 0 && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1]));
                var endsAcronym = i > 0 && char.IsUpper(name[i - 1]) && i + 1 < name.Length && char.IsLower(name[i + 1]);
                if (afterLowerOrDigit || endsAcronym)
                {
                    builder.Append('_');
                }

                builder.Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
