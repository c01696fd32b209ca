package io.infrakit.operator.ha;

/** Group specs in InfraKit's JSON, as users write them (file instances, vanilla flavor). */
final class Specs {

    private Specs() {
    }

    static String cattle(String id, int size) {
        return "{\"ID\":\"" + id + "\",\"Properties\":{\"Allocation\":{\"Size\":" + size + "},"
                + "\"Instance\":{\"Plugin\":\"instance-file\",\"Properties\":{\"Note\":\"ha\"}},"
                + "\"Flavor\":{\"Plugin\":\"flavor-vanilla\",\"Properties\":{\"Init\":[\"echo hello\"],"
                + "\"Tags\":{\"tier\":\"web\"}}}}}";
    }

    static String pets(String id, String... logicalIds) {
        return "{\"ID\":\"" + id + "\",\"Properties\":{\"Allocation\":{\"LogicalIDs\":[\""
                + String.join("\",\"", logicalIds) + "\"]},"
                + "\"Instance\":{\"Plugin\":\"file\",\"Properties\":{}},"
                + "\"Flavor\":{\"Plugin\":\"vanilla\",\"Properties\":{\"Init\":[\"echo member\"]}}}}";
    }
}
