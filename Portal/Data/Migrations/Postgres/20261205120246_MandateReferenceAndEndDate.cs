using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class MandateReferenceAndEndDate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "EndedAt",
                table: "DirectDebitMandates",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Reference",
                table: "DirectDebitMandates",
                type: "character varying(140)",
                maxLength: 140,
                nullable: true);

            // Mandates that had already ended before the date was kept: the last change is when they ended.
            migrationBuilder.Sql("""
                UPDATE "DirectDebitMandates" SET "EndedAt" = "UpdatedAt"
                WHERE "Status" NOT IN ('PendingCustomerApproval', 'PendingSubmission', 'Submitted', 'Active');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "EndedAt",
                table: "DirectDebitMandates");

            migrationBuilder.DropColumn(
                name: "Reference",
                table: "DirectDebitMandates");
        }
    }
}
