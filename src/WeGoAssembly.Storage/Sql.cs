using System.Data.Common;

namespace WeGoAssembly.Storage;

/// <summary>Provider-neutral ADO.NET commands with named parameters, for the SQL both engines share.</summary>
internal static class Sql
{
    /// <summary>A command on <paramref name="connection"/> (in <paramref name="transaction"/>, if any) with its parameters bound.</summary>
    public static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
            AddParameter(command, name, value);
        return command;
    }

    public static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }
}
