using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ReminderSweepIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Invoices_Open_ByClient",
                table: "Invoices");

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_Open_ByClient",
                table: "Invoices",
                columns: new[] { "FirmId", "ClientAccountId" },
                filter: "\"Status\" IN ('Open', 'PartiallyPaid')")
                .Annotation("Npgsql:IndexInclude", new[] { "TotalMinor", "CreditedMinor", "PaidMinor", "Currency", "DueDate" });

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_Open_ByDueDate",
                table: "Invoices",
                columns: new[] { "FirmId", "DueDate" },
                filter: "\"Status\" IN ('Open', 'PartiallyPaid')")
                .Annotation("Npgsql:IndexInclude", new[] { "ClientAccountId", "Currency", "TotalMinor", "CreditedMinor", "PaidMinor" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Invoices_Open_ByClient",
                table: "Invoices");

            migrationBuilder.DropIndex(
                name: "IX_Invoices_Open_ByDueDate",
                table: "Invoices");

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_Open_ByClient",
                table: "Invoices",
                columns: new[] { "FirmId", "ClientAccountId" },
                filter: "\"Status\" IN ('Open', 'PartiallyPaid')")
                .Annotation("Npgsql:IndexInclude", new[] { "TotalMinor", "CreditedMinor", "PaidMinor" });
        }
    }
}
