using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ListIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:pg_trgm", ",,");

            migrationBuilder.CreateIndex(
                name: "IX_Payments_FirmId_CreatedAt_Id",
                table: "Payments",
                columns: new[] { "FirmId", "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Payments_Reference_trgm",
                table: "Payments",
                column: "Reference")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_FirmId_DueDate_Id",
                table: "Invoices",
                columns: new[] { "FirmId", "DueDate", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_FirmId_IssueDate_Id",
                table: "Invoices",
                columns: new[] { "FirmId", "IssueDate", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_FirmId_TotalMinor_Id",
                table: "Invoices",
                columns: new[] { "FirmId", "TotalMinor", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_Number_trgm",
                table: "Invoices",
                column: "Number")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "IX_Invoices_Reference_trgm",
                table: "Invoices",
                column: "Reference")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "IX_ClientAccounts_BillingEmail_trgm",
                table: "ClientAccounts",
                column: "BillingEmail")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "IX_ClientAccounts_FirmId_BillingEmail",
                table: "ClientAccounts",
                columns: new[] { "FirmId", "BillingEmail" });

            migrationBuilder.CreateIndex(
                name: "IX_ClientAccounts_Name_trgm",
                table: "ClientAccounts",
                column: "Name")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Payments_FirmId_CreatedAt_Id",
                table: "Payments");

            migrationBuilder.DropIndex(
                name: "IX_Payments_Reference_trgm",
                table: "Payments");

            migrationBuilder.DropIndex(
                name: "IX_Invoices_FirmId_DueDate_Id",
                table: "Invoices");

            migrationBuilder.DropIndex(
                name: "IX_Invoices_FirmId_IssueDate_Id",
                table: "Invoices");

            migrationBuilder.DropIndex(
                name: "IX_Invoices_FirmId_TotalMinor_Id",
                table: "Invoices");

            migrationBuilder.DropIndex(
                name: "IX_Invoices_Number_trgm",
                table: "Invoices");

            migrationBuilder.DropIndex(
                name: "IX_Invoices_Reference_trgm",
                table: "Invoices");

            migrationBuilder.DropIndex(
                name: "IX_ClientAccounts_BillingEmail_trgm",
                table: "ClientAccounts");

            migrationBuilder.DropIndex(
                name: "IX_ClientAccounts_FirmId_BillingEmail",
                table: "ClientAccounts");

            migrationBuilder.DropIndex(
                name: "IX_ClientAccounts_Name_trgm",
                table: "ClientAccounts");

            migrationBuilder.AlterDatabase()
                .OldAnnotation("Npgsql:PostgresExtension:pg_trgm", ",,");
        }
    }
}
