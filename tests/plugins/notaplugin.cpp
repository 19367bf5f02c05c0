// An ordinary shared library without Qt plugin metadata, as anyone could drop into a plugin directory.

extern "C" __attribute__((visibility("default"))) int gwb_test_not_a_plugin()
{
    return 42;
}
