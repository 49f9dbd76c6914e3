/** The signed-in user's own pages. */
export default {
  menu: {
    home: '首页',
    profile: '个人信息',
    changePassword: '修改密码',
  },
  profile: {
    title: '个人信息',
    username: '用户名',
    displayName: '姓名',
    tenant: '租户',
    tenantCode: '租户编号',
    timeZone: '时区',
    group: '所属分组',
    groupAdmin: '组管理员',
    permissions: '权限',
    modules: '已租用模块',
    sessionExpiresAt: '登录有效期至',
  },
};
